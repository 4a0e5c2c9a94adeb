/// A number as a person typed it in a cell: `1200`, `-3`, `1,234,567`, `$52,000`, `2.50`.
///
/// Read exactly (no floating point), so that `0.1` is one tenth and `1.5` is never mistaken for
/// a whole number. Thousands separators must be in the right places; a `$` may come first.
struct TypedNumber: Equatable {
    var negative: Bool
    /// The digits before the decimal point, without leading zeros (empty for zero).
    var integerDigits: [UInt8]
    /// The digits after the decimal point, without trailing zeros.
    var fractionDigits: [UInt8]

    var isZero: Bool { integerDigits.isEmpty && fractionDigits.isEmpty }

    static func parse(_ text: String) -> TypedNumber? {
        var characters = Substring(text.trimmed)
        var negative = false
        if characters.first == "-" || characters.first == "+" || characters.first == "\u{2212}" {
            negative = characters.first != "+"
            characters = characters.dropFirst()
        }
        if characters.first == "$" { characters = characters.dropFirst() }
        if !negative, characters.first == "-" {  // $-5
            negative = true
            characters = characters.dropFirst()
        }
        let parts = characters.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return nil }
        var integer = Substring(parts[0])
        let fraction = parts.count == 2 ? parts[1] : ""
        if integer.contains(",") {
            let groups = integer.split(separator: ",", omittingEmptySubsequences: false)
            guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
            integer = Substring(groups.joined())
        }
        guard !(integer.isEmpty && fraction.isEmpty),
            integer.allSatisfy({ $0.isASCII && $0.isNumber }), fraction.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        var integerDigits = integer.map { UInt8($0.asciiValue! - 48) }
        while integerDigits.first == 0 { integerDigits.removeFirst() }
        var fractionDigits = fraction.map { UInt8($0.asciiValue! - 48) }
        while fractionDigits.last == 0 { fractionDigits.removeLast() }
        let result = TypedNumber(negative: negative, integerDigits: integerDigits, fractionDigits: fractionDigits)
        return result.isZero ? TypedNumber(negative: false, integerDigits: [], fractionDigits: []) : result
    }

    /// The number times 10^decimalPlaces, if that is a whole number of at most 18 digits.
    func scaled(by decimalPlaces: Int) -> Int64? {
        guard fractionDigits.count <= decimalPlaces else { return nil }
        let digits = integerDigits + fractionDigits + Array(repeating: 0, count: decimalPlaces - fractionDigits.count)
        guard digits.count - digits.prefix(while: { $0 == 0 }).count <= 18 else { return nil }
        let magnitude = digits.reduce(Int64(0)) { $0 * 10 + Int64($1) }
        return negative ? -magnitude : magnitude
    }
}
