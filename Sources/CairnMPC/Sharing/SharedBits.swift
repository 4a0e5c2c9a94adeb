import CairnArithmetic

/// A vector of secret bits, packed 64 to a boolean-shared word: bit `k` of word `b` is element
/// `64b + k`.
///
/// Comparisons produce `SharedBits`: packing lets one AND gate serve 64 elements, so combining
/// comparison results costs 1/64 of a word per element. Bits past `count` in the last word are
/// padding and carry no meaning.
public struct SharedBits: Sendable, CustomStringConvertible {
    /// The packed words.
    public internal(set) var words: BooleanShared
    /// The number of bits.
    public let count: Int

    public init(words: BooleanShared, count: Int) {
        precondition(words.count == (count + 63) / 64, "a packed vector needs one word per 64 bits")
        self.words = words
        self.count = count
    }

    /// The party holding this view.
    public var party: PartyIndex { words.party }

    /// Packs bit 0 of each element of `shared`.
    public init(packing shared: BooleanShared) {
        self.init(words: shared.mapComponents(BitMatrix.packLowBits), count: shared.count)
    }

    /// One word per bit, holding the bit in bit 0.
    public func unpacked() -> BooleanShared {
        words.mapComponents { BitMatrix.unpackLowBits($0, count: count) }
    }

    /// Bits of public booleans, with no communication.
    public static func `public`(_ bits: [Bool], party: PartyIndex) -> SharedBits {
        let words = BooleanShared.public(bits.map { $0 ? 1 : 0 }, party: party)
        return SharedBits(packing: words)
    }

    public static func ^ (lhs: SharedBits, rhs: SharedBits) -> SharedBits {
        precondition(lhs.count == rhs.count)
        return SharedBits(words: lhs.words ^ rhs.words, count: lhs.count)
    }

    /// Complements every bit.
    public static prefix func ~ (operand: SharedBits) -> SharedBits {
        SharedBits(words: ~operand.words, count: operand.count)
    }

    /// The bits one after another.
    public static func concatenating(_ parts: [SharedBits]) -> SharedBits {
        SharedBits(packing: BooleanShared.concatenating(parts.map { $0.unpacked() }))
    }

    /// The bits in `range`.
    public subscript(range: Range<Int>) -> SharedBits {
        SharedBits(packing: unpacked()[range])
    }

    public var description: String { "SharedBits(count: \(count), held by \(party))" }
}

extension Party {
    /// Element-wise AND of packed bits: 64 bits per word sent.
    ///
    /// - Cost: 1 round, ⌈n/64⌉ words sent by each party.
    public func and(_ x: SharedBits, _ y: SharedBits) async throws -> SharedBits {
        guard x.count == y.count else { throw MPCError.lengthMismatch(expected: x.count, actual: y.count) }
        return SharedBits(words: try await and(x.words, y.words), count: x.count)
    }

    /// Element-wise OR of packed bits.
    ///
    /// - Cost: as ``and(_:_:)-(SharedBits,SharedBits)``.
    public func or(_ x: SharedBits, _ y: SharedBits) async throws -> SharedBits {
        try await and(x, y) ^ x ^ y
    }

    /// Reveals the bits to all three parties.
    ///
    /// - Cost: 1 round, ⌈n/64⌉ words sent by each party.
    public func reveal(_ bits: SharedBits) async throws -> [Bool] {
        let words = try await reveal(bits.words)
        return (0..<bits.count).map { i in (words[i >> 6] >> UInt64(i & 63)) & 1 == 1 }
    }

    /// Reveals the bits to `recipient` only.
    public func reveal(_ bits: SharedBits, to recipient: PartyIndex) async throws -> [Bool]? {
        guard let words = try await reveal(bits.words, to: recipient) else { return nil }
        return (0..<bits.count).map { i in (words[i >> 6] >> UInt64(i & 63)) & 1 == 1 }
    }
}
