import Foundation

/// A token bucket per key: `burst` requests at once, then one every `interval` seconds.
actor RateLimiter<Key: Hashable & Sendable> {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    private let limit: ServiceConfiguration.RateLimit
    private var buckets: [Key: Bucket] = [:]
    private var nextSweep = Date.distantPast

    init(_ limit: ServiceConfiguration.RateLimit) { self.limit = limit }

    /// Takes a token for `key`: `nil` if the request may go ahead, otherwise the whole seconds
    /// until a token comes back.
    func take(_ key: Key, now: Date) -> Int? {
        sweep(now: now)
        var bucket = buckets[key] ?? Bucket(tokens: Double(limit.burst), updated: now)
        bucket.tokens = refilled(bucket, now: now)
        bucket.updated = now
        guard bucket.tokens >= 1 else {
            buckets[key] = bucket
            return max(1, Int(((1 - bucket.tokens) * limit.interval).rounded(.up)))
        }
        bucket.tokens -= 1
        buckets[key] = bucket
        return nil
    }

    /// The whole seconds until `key` has a token again, without taking one; `nil` if it has one.
    /// For limits charged only on failure: look before the work, ``take(_:now:)`` after it fails.
    func wait(_ key: Key, now: Date) -> Int? {
        guard let bucket = buckets[key] else { return nil }
        let tokens = refilled(bucket, now: now)
        return tokens >= 1 ? nil : max(1, Int(((1 - tokens) * limit.interval).rounded(.up)))
    }

    private func refilled(_ bucket: Bucket, now: Date) -> Double {
        let elapsed = max(0, now.timeIntervalSince(bucket.updated))
        return min(Double(limit.burst), bucket.tokens + elapsed / limit.interval)
    }

    /// Forgets full buckets now and then, so that memory follows the active keys only.
    private func sweep(now: Date) {
        guard now >= nextSweep else { return }
        nextSweep = now.addingTimeInterval(60)
        buckets = buckets.filter { refilled($0.value, now: now) < Double(limit.burst) }
    }
}

/// Analyst credentials recently verified, by SHA-256 of study ID and credential, so that a
/// dashboard polling the service does not cost a scrypt computation per request.
actor CredentialCache {
    private var verified: [[UInt8]: Date] = [:]
    private let lifetime: TimeInterval
    private let capacity = 10_000

    init(lifetime: TimeInterval) { self.lifetime = lifetime }

    func contains(_ key: [UInt8], now: Date) -> Bool {
        guard let expiry = verified[key] else { return false }
        if expiry > now { return true }
        verified[key] = nil
        return false
    }

    func insert(_ key: [UInt8], now: Date) {
        guard lifetime > 0 else { return }
        if verified.count >= capacity { verified = verified.filter { $0.value > now } }
        if verified.count >= capacity { verified.removeAll() }
        verified[key] = now.addingTimeInterval(lifetime)
    }
}

/// Where each compute party says it is in computing a study, kept in memory only: progress is a
/// convenience for the analyst's dashboard, and a restarted service simply shows "waiting" until
/// the parties report again.
actor PartyProgress {
    struct Report: Sendable {
        var stage: String
        var done: Int?
        var total: Int?
        var updatedAt: Date
    }

    private var reports: [String: [Int: Report]] = [:]
    private let capacity = 1000

    /// Records `report` for the study's party (0-based), replacing the previous one.
    func record(studyID: String, party: Int, _ report: Report) {
        if reports[studyID] == nil, reports.count >= capacity { reports.removeAll() }
        reports[studyID, default: [:]][party] = report
    }

    /// The latest report of each party of the study that has reported, by 0-based party.
    func reports(studyID: String) -> [Int: Report] { reports[studyID] ?? [:] }
}
