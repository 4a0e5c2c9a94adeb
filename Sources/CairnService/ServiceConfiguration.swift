import Foundation

/// How a ``StudyService`` behaves: the operator's token, where participation links point, the
/// size limits and rate limits of `docs/API.md`, and the clock (injectable so that tests can move
/// time forward).
public struct ServiceConfiguration: Sendable {
    /// The secret the operator of the service presents to create studies.
    public var operatorToken: String
    /// Request size and page size limits.
    public var limits: Limits
    /// Submission requests (`GET` and `PUT` of a contribution) per participation link.
    public var contributionRate: RateLimit
    /// Requests with an unknown participation code, per client address: charged only on failure,
    /// so a stranger guessing codes is slowed while contributors elsewhere are not.
    public var unknownCodeRate: RateLimit
    /// Checks of an analyst credential stored by Cairn before issue 10 (scrypt, version 1), per
    /// study and client address: each costs a scrypt computation. Credentials stored since are
    /// SHA-256 digests of 256 random bits, checked without any limit.
    public var analystCheckRate: RateLimit
    /// How long a party's session token is valid.
    public var sessionLifetime: TimeInterval
    /// How long a successful check of an analyst credential is remembered, so that a dashboard
    /// polling the service does not cost a scrypt computation per request.
    public var credentialCacheLifetime: TimeInterval
    /// How long a connection may stay without a byte read or written before the service closes
    /// it: idle keep-alive connections, and requests sent halfway, do not hold a slot forever.
    public var idleTimeout: Duration
    /// The most connections served at once; beyond, new connections wait in the listen queue
    /// until one closes (Hummingbird's `MaximumAvailableConnections`).
    public var maximumConnections: Int
    /// The current time.
    public var now: @Sendable () -> Date

    public init(
        operatorToken: String, limits: Limits = Limits(),
        contributionRate: RateLimit = .standard, unknownCodeRate: RateLimit = .standard,
        analystCheckRate: RateLimit = RateLimit(burst: 10, interval: 6), sessionLifetime: TimeInterval = 3600, credentialCacheLifetime: TimeInterval = 300,
        idleTimeout: Duration = .seconds(30), maximumConnections: Int = 1000,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.idleTimeout = idleTimeout
        self.maximumConnections = maximumConnections
        self.operatorToken = operatorToken
        self.limits = limits
        self.contributionRate = contributionRate
        self.unknownCodeRate = unknownCodeRate
        self.analystCheckRate = analystCheckRate
        self.sessionLifetime = sessionLifetime
        self.credentialCacheLifetime = credentialCacheLifetime
        self.now = now
    }

    /// A fresh operator token: 32 random bytes as base64url without padding (43 characters).
    public static func generateOperatorToken() -> String {
        Secrets.base64url(Secrets.randomBytes(32))
    }

    /// The size limits of `docs/API.md`.
    public struct Limits: Sendable {
        /// The largest study definition, in bytes.
        public var definitionBytes: Int
        /// The largest body of a links request, in bytes.
        public var linksRequestBytes: Int
        /// The most links one request may create.
        public var maximumLinkCount: Int
        /// What a submission may carry beyond the size of a well-formed envelope for its study.
        public var submissionSlackBytes: Int
        /// The most records in one page of a party's shares.
        public var maximumSharesPage: Int
        /// The records in a page of a party's shares when the request does not say.
        public var defaultSharesPage: Int

        public init(
            definitionBytes: Int = 1 << 20, linksRequestBytes: Int = 64 << 10, maximumLinkCount: Int = 100_000,
            submissionSlackBytes: Int = 4096, maximumSharesPage: Int = 5000, defaultSharesPage: Int = 1000
        ) {
            self.definitionBytes = definitionBytes
            self.linksRequestBytes = linksRequestBytes
            self.maximumLinkCount = maximumLinkCount
            self.submissionSlackBytes = submissionSlackBytes
            self.maximumSharesPage = maximumSharesPage
            self.defaultSharesPage = defaultSharesPage
        }
    }

    /// A token bucket: `burst` requests at once, then one more every `interval` seconds.
    public struct RateLimit: Sendable, Equatable {
        /// The bucket's size: requests allowed in a burst.
        public var burst: Int
        /// Seconds for one token to come back.
        public var interval: TimeInterval

        public init(burst: Int, interval: TimeInterval) {
            precondition(burst >= 1 && interval > 0, "a rate limit needs a burst of at least 1 and a positive interval")
            self.burst = burst
            self.interval = interval
        }

        /// 20 requests in a burst, then one every 3 seconds (`docs/API.md`).
        public static let standard = RateLimit(burst: 20, interval: 3)
    }
}
