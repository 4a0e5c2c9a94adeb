/// The ring Z/2^64 that every arithmetic secret share lives in.
///
/// Elements are `UInt64` values with wrapping arithmetic (`&+`, `&-`, `&*`). Signed integers are
/// embedded in two's complement, so `-1` is `UInt64.max` and `Int64.min` is `1 << 63`; addition,
/// subtraction and multiplication agree with `Int64` arithmetic modulo 2^64.
public enum Ring64 {
    /// The number of bits in a ring element.
    public static let bitWidth = 64

    /// Embeds a signed integer in the ring (two's complement).
    @inlinable
    public static func element(_ value: Int64) -> UInt64 { UInt64(bitPattern: value) }

    /// Reads a ring element as a signed integer (two's complement).
    @inlinable
    public static func signed(_ element: UInt64) -> Int64 { Int64(bitPattern: element) }

    /// Embeds signed integers in the ring.
    @inlinable
    public static func elements(_ values: [Int64]) -> [UInt64] { values.map { UInt64(bitPattern: $0) } }

    /// Reads ring elements as signed integers.
    @inlinable
    public static func signed(_ elements: [UInt64]) -> [Int64] { elements.map { Int64(bitPattern: $0) } }

    /// The most significant bit, which is the sign bit of the two's-complement reading.
    @inlinable
    public static func mostSignificantBit(_ element: UInt64) -> UInt64 { element >> 63 }
}
