/// Operations every party performs on its own components, with no communication.
///
/// Linear functions of secrets are computed component-wise (Araki et al., CCS 2016, §2.3): adding
/// two sharings adds their components; a public constant is added to component `x_0` only, which
/// party 0 holds as `first` and party 2 as `second`.
extension Shared {
    /// Applies `transform` to both components.
    func mapComponents(_ transform: ([UInt64]) -> [UInt64]) -> Shared {
        Shared(party: party, first: transform(first), second: transform(second))
    }

    /// Combines the components of two sharings pairwise.
    func zipComponents(
        _ other: Shared, _ transform: (UInt64, UInt64) -> UInt64
    ) -> Shared {
        precondition(count == other.count, "element-wise operands must have equal lengths")
        return Shared(
            party: party,
            first: Elementwise.map(first, other.first, transform),
            second: Elementwise.map(second, other.second, transform))
    }

    /// Applies `transform(component, constant)` to component `x_0` only, where public constants go.
    func applyingToComponentZero(
        _ constants: [UInt64], _ transform: (UInt64, UInt64) -> UInt64
    ) -> Shared {
        precondition(constants.count == count, "one public constant per element")
        var result = self
        if party == .zero { result.first = Elementwise.map(first, constants, transform) }
        if party == .two { result.second = Elementwise.map(second, constants, transform) }
        return result
    }

    /// The elements at `indices`, in that order (a public rearrangement, e.g. a revealed
    /// permutation).
    public func gathering(_ indices: [Int]) -> Shared {
        mapComponents { Elementwise.gather($0, indices) }
    }

    /// The elements in `range`.
    public subscript(range: Range<Int>) -> Shared {
        mapComponents { Array($0[range]) }
    }

    /// The sharings' elements one after another.
    public static func concatenating(_ parts: [Shared]) -> Shared {
        precondition(!parts.isEmpty, "nothing to concatenate")
        return Shared(
            party: parts[0].party,
            first: parts.flatMap(\.first),
            second: parts.flatMap(\.second))
    }

    /// Sharings of `count` zeros (all components zero).
    public static func zeros(count: Int, party: PartyIndex) -> Shared {
        let zeros = [UInt64](repeating: 0, count: count)
        return Shared(party: party, first: zeros, second: zeros)
    }
}

extension Shared where Scheme == Arithmetic {
    /// Sharings of public values, with no communication: all of each value sits in `x_0`.
    public static func `public`(_ values: [UInt64], party: PartyIndex) -> Shared {
        zeros(count: values.count, party: party).applyingToComponentZero(values, &+)
    }

    public static func + (lhs: Shared, rhs: Shared) -> Shared { lhs.zipComponents(rhs, &+) }
    public static func - (lhs: Shared, rhs: Shared) -> Shared { lhs.zipComponents(rhs, &-) }
    public static prefix func - (operand: Shared) -> Shared { operand.mapComponents { Elementwise.map($0) { 0 &- $0 } } }

    /// Adds a public value to every element.
    public static func + (lhs: Shared, rhs: UInt64) -> Shared {
        lhs.applyingToComponentZero([UInt64](repeating: rhs, count: lhs.count), &+)
    }
    /// Subtracts a public value from every element.
    public static func - (lhs: Shared, rhs: UInt64) -> Shared { lhs + (0 &- rhs) }
    /// Adds public values element-wise.
    public static func + (lhs: Shared, rhs: [UInt64]) -> Shared { lhs.applyingToComponentZero(rhs, &+) }
    /// Subtracts public values element-wise.
    public static func - (lhs: Shared, rhs: [UInt64]) -> Shared { lhs.applyingToComponentZero(rhs, &-) }

    /// Multiplies every element by a public constant.
    public static func * (lhs: Shared, rhs: UInt64) -> Shared { lhs.mapComponents { Elementwise.map($0) { $0 &* rhs } } }
    /// Multiplies element-wise by public constants.
    public static func * (lhs: Shared, rhs: [UInt64]) -> Shared {
        lhs.mapComponents { Elementwise.map($0, rhs, &*) }
    }

    /// The sum of all elements, as a sharing of one element.
    ///
    /// - Complexity: O(n) local work, no communication.
    public func sum() -> Shared {
        mapComponents { components in [components.reduce(0, &+)] }
    }

    /// The sums of consecutive segments of `segmentLength` elements (the last may be shorter).
    public func segmentSums(segmentLength: Int) -> Shared {
        precondition(segmentLength > 0)
        return mapComponents { components in
            stride(from: 0, to: components.count, by: segmentLength).map { start in
                components[start..<min(start + segmentLength, components.count)].reduce(0, &+)
            }
        }
    }

    /// Inclusive prefix sums: element `k` of the result is the sum of elements `0...k`.
    ///
    /// - Complexity: O(n) local work, no communication (prefix sums are linear).
    public func prefixSums() -> Shared {
        mapComponents { components in
            var running: UInt64 = 0
            return Elementwise.map(components) { value in
                running &+= value
                return running
            }
        }
    }
}

extension Shared where Scheme == Boolean {
    /// Sharings of public words, with no communication.
    public static func `public`(_ values: [UInt64], party: PartyIndex) -> Shared {
        zeros(count: values.count, party: party).applyingToComponentZero(values, ^)
    }

    public static func ^ (lhs: Shared, rhs: Shared) -> Shared { lhs.zipComponents(rhs, ^) }
    /// XORs a public word into every element.
    public static func ^ (lhs: Shared, rhs: UInt64) -> Shared {
        lhs.applyingToComponentZero([UInt64](repeating: rhs, count: lhs.count), ^)
    }
    /// XORs public words element-wise.
    public static func ^ (lhs: Shared, rhs: [UInt64]) -> Shared { lhs.applyingToComponentZero(rhs, ^) }
    /// Complements every bit.
    public static prefix func ~ (operand: Shared) -> Shared { operand ^ UInt64.max }
    /// ANDs every element with a public mask (linear over XOR).
    public static func & (lhs: Shared, rhs: UInt64) -> Shared { lhs.mapComponents { Elementwise.map($0) { $0 & rhs } } }
    /// Shifts every element left (linear over XOR).
    public static func << (lhs: Shared, rhs: Int) -> Shared { lhs.mapComponents { Elementwise.map($0) { $0 << UInt64(rhs) } } }
    /// Shifts every element right, logically (linear over XOR).
    public static func >> (lhs: Shared, rhs: Int) -> Shared { lhs.mapComponents { Elementwise.map($0) { $0 >> UInt64(rhs) } } }
}
