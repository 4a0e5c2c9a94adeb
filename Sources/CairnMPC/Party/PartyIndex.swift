/// The position of a compute party in a three-party computation: 0, 1 or 2.
///
/// Parties sit on a ring: party `i` holds the share components `x_i` and `x_{i+1}` (indices mod 3),
/// shares a pseudorandom key with each neighbour, and sends resharing messages to `previous`.
public struct PartyIndex: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int

    /// Creates an index; `nil` unless `rawValue` is 0, 1 or 2.
    public init?(rawValue: Int) {
        guard (0..<3).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(unchecked rawValue: Int) { self.rawValue = rawValue }

    /// The number of compute parties.
    public static let count = 3
    /// All three parties, in order.
    public static let all: [PartyIndex] = [.zero, .one, .two]
    public static let zero = PartyIndex(unchecked: 0)
    public static let one = PartyIndex(unchecked: 1)
    public static let two = PartyIndex(unchecked: 2)

    /// The party after this one on the ring (`i + 1 mod 3`).
    @inlinable public var next: PartyIndex { PartyIndex(rawValue: (rawValue + 1) % 3)! }
    /// The party before this one on the ring (`i - 1 mod 3`).
    @inlinable public var previous: PartyIndex { PartyIndex(rawValue: (rawValue + 2) % 3)! }

    public static func < (lhs: PartyIndex, rhs: PartyIndex) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Humans count parties from 1, as the study pages and logs do.
    public var description: String { "party \(rawValue + 1)" }
}
