/// How share components combine into a secret: by wrapping addition or by XOR.
public protocol SharingScheme: Sendable {
    /// Combines two components (`a + b` in Z/2^64, or `a ⊕ b`).
    static func combine(_ a: UInt64, _ b: UInt64) -> UInt64
    /// Removes `b` from `a` (`a - b` in Z/2^64, or `a ⊕ b`).
    static func remove(_ b: UInt64, from a: UInt64) -> UInt64
}

/// Arithmetic sharing over Z/2^64: `x = x_0 + x_1 + x_2 mod 2^64`.
public enum Arithmetic: SharingScheme {
    @inlinable @inline(__always)
    public static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 { a &+ b }
    @inlinable @inline(__always)
    public static func remove(_ b: UInt64, from a: UInt64) -> UInt64 { a &- b }
}

/// Boolean sharing over 64-bit words: `x = x_0 ⊕ x_1 ⊕ x_2`, each word 64 independent bits.
public enum Boolean: SharingScheme {
    @inlinable @inline(__always)
    public static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 { a ^ b }
    @inlinable @inline(__always)
    public static func remove(_ b: UInt64, from a: UInt64) -> UInt64 { a ^ b }
}

/// One party's view of a secret-shared vector under 2-out-of-3 replicated secret sharing
/// (Araki et al., CCS 2016, §2; ABY3 §2.2).
///
/// Each secret `x` is split into three components `x_0, x_1, x_2` that combine (by `Scheme`) to
/// `x`. Party `i` holds `first = x_i` and `second = x_{i+1}`; any two parties together can
/// reconstruct `x`, while one party alone sees two uniformly random values.
///
/// The components are never printed: `description` shows only the length.
public struct Shared<Scheme: SharingScheme>: Sendable {
    /// The party holding this view.
    public let party: PartyIndex
    /// The components `x_i`, one per element.
    public internal(set) var first: [UInt64]
    /// The components `x_{i+1}`, one per element.
    public internal(set) var second: [UInt64]

    /// Wraps components this party already holds (for instance, loaded from storage).
    public init(party: PartyIndex, first: [UInt64], second: [UInt64]) {
        precondition(first.count == second.count, "both components need one word per element")
        self.party = party
        self.first = first
        self.second = second
    }

    /// The number of secret elements.
    @inlinable public var count: Int { first.count }
    @inlinable public var isEmpty: Bool { first.isEmpty }
}

/// Secrets shared over Z/2^64.
public typealias ArithmeticShared = Shared<Arithmetic>
/// Secrets shared as XOR of 64-bit words.
public typealias BooleanShared = Shared<Boolean>

extension Shared: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "Shared<\(Scheme.self)>(count: \(count), held by \(party))" }
    public var debugDescription: String { description }
    // Keeps components out of `dump`, debuggers' summaries and string interpolation of containers.
    public var customMirror: Mirror { Mirror(self, children: ["count": count, "party": party]) }
}
