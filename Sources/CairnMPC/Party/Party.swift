import Crypto

/// One compute party's side of a three-party computation: its transport and its correlated
/// randomness. Every protocol is a method on `Party`, and all three parties call the same methods
/// in the same order.
///
/// A `Party` is used by one task at a time (it is not `Sendable`): its pseudorandom streams advance
/// with every protocol step and must stay in lockstep with the other parties' streams.
///
/// Security model: semi-honest adversary corrupting at most one of the three parties (honest
/// majority), as in Araki et al. (CCS 2016) and ABY3 (Mohassel and Rindal, CCS 2018).
public final class Party {
    /// This party's position.
    public let index: PartyIndex
    let transport: any Transport

    /// Randomness this party shares with `index.previous` (key `k_i` of Araki et al.).
    var sharedWithPrevious: PseudorandomStream
    /// Randomness this party shares with `index.next` (key `k_{i+1}`).
    var sharedWithNext: PseudorandomStream
    /// Randomness all three parties share, for public coins.
    var sharedWithAll: PseudorandomStream
    /// Randomness only this party knows.
    var privateRandomness: PseudorandomStream

    init(
        index: PartyIndex, transport: any Transport, withPrevious: SymmetricKey, withNext: SymmetricKey,
        withAll: SymmetricKey, own: SymmetricKey
    ) {
        self.index = index
        self.transport = transport
        sharedWithPrevious = PseudorandomStream(key: withPrevious)
        sharedWithNext = PseudorandomStream(key: withNext)
        sharedWithAll = PseudorandomStream(key: withAll)
        privateRandomness = PseudorandomStream(key: own)
    }

    /// Sets up a session's correlated randomness over `transport` and returns the ready party.
    ///
    /// Each party draws a fresh AES-128 key and sends it to its previous party, so each pair of
    /// neighbours shares one key (Araki et al., CCS 2016, §2.2); party 0 also sends a key common to
    /// all three. Run once per session: the streams' counters start at zero under fresh keys.
    ///
    /// - Cost: one round; each party sends 2 words (party 0 sends 4).
    public static func connect(over transport: some Transport, keys: SessionKeys = .fresh) async throws -> Party {
        let index = transport.party
        let own = keys.key("shared with previous", party: index)
        try await transport.send(own.words, to: index.previous)
        var common = keys.key("common", party: index)
        if index == .zero {
            try await transport.send(common.words, to: .one)
            try await transport.send(common.words, to: .two)
        }
        let fromNext = try await transport.receive(from: index.next)
        guard fromNext.count == 2 else {
            throw MPCError.unexpectedMessageLength(from: index.next, expected: 2, received: fromNext.count)
        }
        if index != .zero {
            let received = try await transport.receive(from: .zero)
            guard received.count == 2 else {
                throw MPCError.unexpectedMessageLength(from: .zero, expected: 2, received: received.count)
            }
            common = SymmetricKey(words: received)
        }
        return Party(
            index: index, transport: transport,
            withPrevious: own, withNext: SymmetricKey(words: fromNext), withAll: common,
            own: keys.key("private", party: index))
    }

    // MARK: Messaging

    func send(_ words: [UInt64], to peer: PartyIndex) async throws {
        try await transport.send(words, to: peer)
    }

    /// Receives a message that must hold exactly `count` words.
    func receive(from peer: PartyIndex, count: Int) async throws -> [UInt64] {
        let words = try await transport.receive(from: peer)
        guard words.count == count else {
            throw MPCError.unexpectedMessageLength(from: peer, expected: count, received: words.count)
        }
        return words
    }

    // MARK: Correlated randomness

    /// Adds this party's component of a fresh sharing of zeros to `words`, in place.
    func addZeroSharing<Scheme: SharingScheme>(_ scheme: Scheme.Type, to words: inout [UInt64]) {
        words.withUnsafeMutableBufferPointer { words in
            writeMasked(scheme, into: words) { [words] k in words[k] }
        }
    }

    /// Computes `count` words `local(k)` and adds to each this party's component of a fresh
    /// sharing of zeros, in one pass.
    @inline(__always)
    func maskedWithZeroSharing<Scheme: SharingScheme>(
        _ scheme: Scheme.Type, count: Int, _ local: (Int) -> UInt64
    ) -> [UInt64] {
        [UInt64](unsafeUninitializedCapacity: count) { words, initialized in
            writeMasked(scheme, into: words, local)
            initialized = count
        }
    }

    /// Writes `local(k)` plus this party's component of a fresh zero-sharing to `words[k]`.
    ///
    /// The zero-sharing component is `F(k_{i+1}) − F(k_i)` (or XOR): the three parties'
    /// components combine to zero, and any one of them alone is uniformly random (Araki et al.,
    /// CCS 2016, §2.2). The keystreams are consumed chunk by chunk while `local` is evaluated, so
    /// each output word is written once and no vector-sized temporary is made. `local(k)` may
    /// read `words[k]`: it is read before it is written.
    @inline(__always)
    func writeMasked<Scheme: SharingScheme>(
        _: Scheme.Type, into words: UnsafeMutableBufferPointer<UInt64>, _ local: (Int) -> UInt64
    ) {
        let count = words.count
        var offset = 0
        while offset < count {
            let length = min(PseudorandomStream.chunkWords, count - offset)
            let mine = sharedWithNext.nextChunk(length)
            let theirs = sharedWithPrevious.nextChunk(length)
            mine.withUnsafeBytes { mine in
                theirs.withUnsafeBytes { theirs in
                    for k in 0..<length {
                        let a = mine.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)
                        let b = theirs.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)
                        words[offset + k] = Scheme.combine(local(offset + k), Scheme.remove(b, from: a))
                    }
                }
            }
            offset += length
        }
    }

    /// A sharing of `count` uniformly random values that no party knows, with no communication:
    /// component `r_i` comes from the key that parties `i` and `i − 1` share.
    public func randomShared<Scheme: SharingScheme>(_: Scheme.Type, count: Int) -> Shared<Scheme> {
        Shared(party: index, first: sharedWithPrevious.words(count), second: sharedWithNext.words(count))
    }
}

/// Where a session's keys come from.
public enum SessionKeys: Sendable {
    /// Fresh keys from the system's secure random number generator: the only choice for real
    /// computations.
    case fresh
    /// Keys derived from a public seed, so that a test's randomness (and so its outcome) is
    /// reproducible. Anyone who knows the seed knows every share: insecure, for tests only.
    case insecureDeterministic(seed: UInt64)

    /// The key for `purpose` at `party`.
    func key(_ purpose: String, party: PartyIndex) -> SymmetricKey {
        switch self {
        case .fresh:
            return SymmetricKey(size: .bits128)
        case let .insecureDeterministic(seed):
            let label = purpose == "common" ? "cairn insecure test key: common" : "cairn insecure test key: \(purpose), \(party)"
            var input = Array(label.utf8)
            withUnsafeBytes(of: seed.littleEndian) { input += $0 }
            return SymmetricKey(data: Array(SHA256.hash(data: input)).prefix(16))
        }
    }
}

extension SymmetricKey {
    /// The key's 16 bytes as two words, for sending during set-up.
    fileprivate var words: [UInt64] {
        withUnsafeBytes { bytes in [bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                                    bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)] }
    }

    fileprivate init(words: [UInt64]) {
        self = words.withUnsafeBytes { SymmetricKey(data: $0) }
    }
}
