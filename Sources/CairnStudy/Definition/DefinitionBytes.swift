/// The byte-level rules a study definition file must follow before it is decoded, so that every
/// reader (Swift's decoder, the browser's `JSON.parse`, the compute parties) sees the same study:
///
/// - **UTF-8 only** (RFC 8259 §8.1). A UTF-16 or UTF-32 file is refused, naming the encoding its
///   byte order mark (or its zero bytes) gives away; a UTF-8 byte order mark is allowed.
/// - **No repeated key** in any object. RFC 8259 §4 leaves the meaning of a repeated name to each
///   reader: Foundation keeps the first value, browsers the last, so `"minimumCellSize": 10,
///   "minimumCellSize": 1` would be two different studies to a party and to a contributor. Keys
///   are compared after their escapes are decoded (`"a"` and `"\u0061"` are the same key).
/// - **Nothing after the JSON value** but white space.
///
/// This is a structure scanner, not a second JSON reader: malformed JSON is left to the decoder,
/// which explains it in its own words.
enum DefinitionBytes {
    /// The problems of `bytes` under the rules above; empty when there are none.
    static func problems(_ bytes: [UInt8]) -> [StudyDefinitionProblem] {
        if let encoding = foreignEncoding(bytes) {
            return [StudyDefinitionProblem(
                place: "", message: "is \(encoding) text; a study definition must be saved as UTF-8")]
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return [StudyDefinitionProblem(
                place: "", message: "is not valid UTF-8 text; a study definition must be saved as UTF-8")]
        }
        var scanner = Scanner(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.position = 3 }
        do {
            scanner.skipWhitespace()
            try scanner.value(path: [], depth: 0)
            scanner.skipWhitespace()
            if scanner.position < bytes.count {
                return [StudyDefinitionProblem(
                    place: "",
                    message: "has more after its JSON object ends (at byte \(scanner.position + 1)); a study definition holds one JSON object and nothing else")]
            }
            return []
        } catch .repeatedKey(let key, let path) {
            let place = path.isEmpty ? "the top-level object" : "\"" + path.joined(separator: ".") + "\""
            return [StudyDefinitionProblem(
                place: "", message: "\"\(key)\" appears twice in \(place); each field may be given once")]
        } catch {
            return []  // malformed: the decoder says how
        }
    }

    /// "UTF-16 (little-endian)" and the like, when the bytes are plainly not UTF-8.
    static func foreignEncoding(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return "UTF-32 (big-endian)" }
        if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return "UTF-32 (little-endian)" }
        if bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16 (big-endian)" }
        if bytes.starts(with: [0xFF, 0xFE]) { return "UTF-16 (little-endian)" }
        // Without a byte order mark, JSON text in UTF-16 or UTF-32 starts with zero bytes around
        // its first ASCII character (RFC 4627 §3).
        if bytes.count >= 4 {
            switch (bytes[0] == 0, bytes[1] == 0, bytes[2] == 0, bytes[3] == 0) {
            case (true, true, true, false): return "UTF-32 (big-endian)"
            case (false, true, true, true): return "UTF-32 (little-endian)"
            case (true, false, true, false): return "UTF-16 (big-endian)"
            case (false, true, false, true): return "UTF-16 (little-endian)"
            default: break
            }
        }
        return nil
    }

    enum ScanError: Error {
        case repeatedKey(String, path: [String])
        case malformed
    }

    /// Walks one JSON value, remembering each object's keys.
    struct Scanner {
        let bytes: [UInt8]
        var position = 0
        /// Deeper nesting is left to the decoder (which refuses it) rather than to the stack.
        static let maximumDepth = 256

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func value(path: [String], depth: Int) throws(ScanError) {
            guard position < bytes.count, depth < Self.maximumDepth else { throw .malformed }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                position += 1
                var keys = Set<[UInt16]>()
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return }
                while true {
                    skipWhitespace()
                    let key = try string()
                    let name = String(decoding: key, as: UTF16.self)
                    guard keys.insert(key).inserted else { throw .repeatedKey(name, path: path) }
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                    skipWhitespace()
                    try value(path: path + [name], depth: depth + 1)
                    skipWhitespace()
                    if try separatorEnds(UInt8(ascii: "}")) { return }
                }
            case UInt8(ascii: "["):
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return }
                var index = 1
                while true {
                    skipWhitespace()
                    let last = path.last ?? ""
                    try value(path: Array(path.dropLast()) + [last + "[\(index)]"], depth: depth + 1)
                    index += 1
                    skipWhitespace()
                    if try separatorEnds(UInt8(ascii: "]")) { return }
                }
            case UInt8(ascii: "\""):
                _ = try string()
            default:
                // A number or a literal: the decoder checks its spelling.
                let start = position
                while position < bytes.count, !Self.delimiters.contains(bytes[position]) { position += 1 }
                guard position > start else { throw .malformed }
            }
        }

        static let delimiters: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ":")]

        mutating func expect(_ byte: UInt8) throws(ScanError) {
            guard position < bytes.count, bytes[position] == byte else { throw .malformed }
            position += 1
        }

        /// After a member or element: `true` at the closing bracket, `false` after a comma.
        mutating func separatorEnds(_ closing: UInt8) throws(ScanError) -> Bool {
            guard position < bytes.count else { throw .malformed }
            position += 1
            if bytes[position - 1] == closing { return true }
            guard bytes[position - 1] == UInt8(ascii: ",") else { throw .malformed }
            return false
        }

        /// A string's UTF-16 code units, its escapes decoded (kept as units, so that two different
        /// lone surrogates stay different).
        mutating func string() throws(ScanError) -> [UInt16] {
            try expect(UInt8(ascii: "\""))
            var units: [UInt16] = []
            var raw: [UInt8] = []
            func flush() {
                units += String(decoding: raw, as: UTF8.self).utf16
                raw.removeAll(keepingCapacity: true)
            }
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    flush()
                    return units
                case UInt8(ascii: "\\"):
                    flush()
                    guard position < bytes.count else { throw .malformed }
                    let escape = bytes[position]
                    position += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): units.append(UInt16(escape))
                    case UInt8(ascii: "b"): units.append(0x08)
                    case UInt8(ascii: "f"): units.append(0x0C)
                    case UInt8(ascii: "n"): units.append(0x0A)
                    case UInt8(ascii: "r"): units.append(0x0D)
                    case UInt8(ascii: "t"): units.append(0x09)
                    case UInt8(ascii: "u"):
                        guard position + 4 <= bytes.count,
                            let unit = UInt16(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
                        else { throw .malformed }
                        units.append(unit)
                        position += 4
                    default: throw .malformed
                    }
                default:
                    raw.append(byte)
                }
            }
            throw .malformed
        }
    }
}
