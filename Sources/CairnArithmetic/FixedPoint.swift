/// Fixed-point numbers embedded in the ring Z/2^64.
///
/// A real number `v` is represented by the ring element `round(v · 2^f)` in two's complement, where
/// `f` is the number of fractional bits. Sums of fixed-point values are fixed-point values; a
/// product carries `2f` fractional bits and must be truncated by `f` bits (in MPC: probabilistic
/// truncation, ABY3 §5.1).
///
/// With the default `f = 16` the representable range is about ±1.4·10^14 with a resolution of
/// 1.5·10^-5; products of two values must stay below 2^47 in magnitude before truncation for the
/// probabilistic truncation to be correct with overwhelming probability.
public struct FixedPointFormat: Hashable, Sendable, CustomStringConvertible {
    /// The number of fractional bits.
    public let fractionalBits: Int

    /// The default format, with 16 fractional bits.
    public static let `default` = FixedPointFormat(fractionalBits: 16)

    /// Creates a format with the given number of fractional bits (0 through 62).
    public init(fractionalBits: Int) {
        precondition((0...62).contains(fractionalBits), "fractional bits must be in 0...62")
        self.fractionalBits = fractionalBits
    }

    /// `2^f` as a `Double`.
    @inlinable
    public var scale: Double { Double(sign: .plus, exponent: fractionalBits, significand: 1) }

    /// The ring element representing `1.0`.
    @inlinable
    public var one: UInt64 { 1 << UInt64(fractionalBits) }

    /// Encodes a real number, rounding to the nearest representable value.
    ///
    /// Values outside the representable range saturate at the ring's signed extremes.
    @inlinable
    public func encode(_ value: Double) -> UInt64 {
        let scaled = (value * scale).rounded()
        if scaled >= 9.223372036854775807e18 { return UInt64(bitPattern: Int64.max) }
        if scaled <= -9.223372036854775808e18 { return UInt64(bitPattern: Int64.min) }
        if scaled.isNaN { return 0 }
        return UInt64(bitPattern: Int64(scaled))
    }

    /// Decodes a ring element as a real number.
    @inlinable
    public func decode(_ element: UInt64) -> Double {
        Double(Int64(bitPattern: element)) / scale
    }

    /// Encodes real numbers.
    @inlinable
    public func encode(_ values: [Double]) -> [UInt64] { values.map(encode) }

    /// Decodes ring elements as real numbers.
    @inlinable
    public func decode(_ elements: [UInt64]) -> [Double] { elements.map(decode) }

    public var description: String { "FixedPointFormat(fractionalBits: \(fractionalBits))" }
}
