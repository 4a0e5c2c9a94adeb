import Foundation

/// A small RFC 4180 CSV reader and writer: fields separated by commas, records by CRLF or LF,
/// fields in double quotes may hold commas, line breaks and doubled quotes (`""`).
public enum CSV {
    /// A record and the line of the file it starts on (counting from 1).
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
    }

    /// A file that is not CSV: where, and why.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "line \(line), column \(CSV.columnName(column)): \(message)" }
    }

    /// The records of a CSV text. A byte order mark at the start is skipped; a line break at the
    /// end does not start another record.
    public static func read(_ text: String) throws(SyntaxError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1
        var quoted = false  // inside a quoted field
        var wasQuoted = false  // the current field was quoted and its closing quote seen
        var quoteLine = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0

        func endField() {
            fields.append(field)
            field = ""
            wasQuoted = false
        }
        func endRecord() {
            endField()
            records.append(Record(line: recordLine, fields: fields))
            fields = []
        }

        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if quoted {
                if scalar == "\"" {
                    if index < scalars.count, scalars[index] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        quoted = false
                        wasQuoted = true
                    }
                } else {
                    if scalar == "\n" || (scalar == "\r" && (index >= scalars.count || scalars[index] != "\n")) { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                endField()
            case "\r", "\n":
                if scalar == "\r", index < scalars.count, scalars[index] == "\n" { index += 1 }
                endRecord()
                line += 1
                recordLine = line
            case "\"":
                guard field.isEmpty, !wasQuoted else {
                    throw SyntaxError(line: line, column: fields.count + 1, message: "a quote (\") in the middle of a cell; a cell with quotes must start and end with one, and a quote inside it is written twice (\"\")")
                }
                quoted = true
                quoteLine = line
            default:
                if wasQuoted {
                    if scalar == " " || scalar == "\t" { continue }
                    throw SyntaxError(line: line, column: fields.count + 1, message: "text after the closing quote of a quoted cell")
                }
                field.unicodeScalars.append(scalar)
            }
        }
        if quoted {
            throw SyntaxError(line: quoteLine, column: fields.count + 1, message: "a quoted cell is never closed (its closing quote is missing)")
        }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }

    /// A CSV text with CRLF line breaks, quoting the fields that need it.
    public static func write(_ records: [[String]]) -> String {
        records.map { $0.map(quote).joined(separator: ",") + "\r\n" }.joined()
    }

    /// The field as written in CSV: quoted if it holds a comma, quote, line break or edge space.
    public static func quote(_ field: String) -> String {
        let needsQuotes = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || field.first == " " || field.last == " "
        return needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }

    /// The spreadsheet name of a column counted from 1: A, B, …, Z, AA, AB, ….
    public static func columnName(_ column: Int) -> String {
        var column = column
        var name = ""
        while column > 0 {
            let remainder = (column - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            column = (column - 1) / 26
        }
        return name
    }
}
