import Foundation
import Testing
@testable import CairnStudy

/// A definition two readers could read differently is refused before anyone reads it.
@Suite("Definition bytes: UTF-8, no repeated key, nothing after the value")
struct DefinitionBytesTests {
    static let quickstart = DefinitionLoadingTests.quickstartJSON

    func refusal(_ data: Data) -> String? {
        do {
            _ = try StudyDefinition.load(from: data)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("a repeated minimumCellSize (Swift read the first, browsers the last) is refused, naming the key and where")
    func repeatedKey() throws {
        let text = Self.quickstart.replacingOccurrences(
            of: "\"minimumCellSize\": 3", with: "\"minimumCellSize\": 10, \"minimumCellSize\": 1")
        #expect(text != Self.quickstart)
        let message = try #require(refusal(Data(text.utf8)))
        #expect(message.contains("\"minimumCellSize\" appears twice in \"statistics\""), "\(message)")
    }

    @Test("a key repeated through an escape, deep in a table, is refused with its path")
    func repeatedEscapedKey() throws {
        let text = Self.quickstart.replacingOccurrences(of: "\"required\": true", with: "\"required\": true, \"r\\u0065quired\": false")
        #expect(text != Self.quickstart)
        let message = try #require(refusal(Data(text.utf8)))
        #expect(message.contains("\"required\" appears twice in \"tables[1].validation\""), "\(message)")
    }

    @Test("the same key in two different objects is fine")
    func sameKeyElsewhere() {
        #expect(DefinitionBytes.problems(Array(#"{"a": {"id": 1}, "b": [{"id": 2}, {"id": 3}], "id": 4}"#.utf8)).isEmpty)
    }

    @Test("UTF-16 and UTF-32 are refused, naming the encoding", arguments: [
        (String.Encoding.utf16LittleEndian, true, "UTF-16 (little-endian)"),
        (.utf16BigEndian, true, "UTF-16 (big-endian)"),
        (.utf16LittleEndian, false, "UTF-16 (little-endian)"),
        (.utf32LittleEndian, true, "UTF-32 (little-endian)"),
    ])
    func otherEncodings(encoding: String.Encoding, byteOrderMark: Bool, name: String) throws {
        var data = try #require(Self.quickstart.data(using: encoding))
        let marks: [String.Encoding: [UInt8]] = [
            .utf16LittleEndian: [0xFF, 0xFE], .utf16BigEndian: [0xFE, 0xFF], .utf32LittleEndian: [0xFF, 0xFE, 0, 0],
        ]
        if byteOrderMark { data = Data(marks[encoding]!) + data }
        let message = try #require(refusal(data))
        #expect(message.contains("is \(name) text; a study definition must be saved as UTF-8"), "\(message)")
    }

    @Test("bytes that are not UTF-8 (Latin-1) are refused")
    func latin1() throws {
        let text = Self.quickstart.replacingOccurrences(of: "Engineering", with: "Ingénierie")
        let latin1 = try #require(text.data(using: .isoLatin1))
        let message = try #require(refusal(latin1))
        #expect(message.contains("is not valid UTF-8 text"), "\(message)")
    }

    @Test("anything after the object is refused; white space and a UTF-8 byte order mark are not", arguments: [
        ("\n{}", true), ("\n{\"id\": \"x\"}", true), ("garbage", true), ("\n\n  \t\r\n", false),
    ])
    func trailing(suffix: String, refused: Bool) throws {
        let message = refusal(Data(Self.quickstart.utf8) + Data(suffix.utf8))
        #expect((message != nil) == refused, "\(message ?? "accepted")")
        if refused { #expect(message?.contains("has more after its JSON object ends") == true, "\(message ?? "")") }
        #expect(refusal(Data([0xEF, 0xBB, 0xBF]) + Data(Self.quickstart.utf8)) == nil)
    }

    @Test("malformed JSON is still explained by the decoder")
    func malformed() throws {
        let message = try #require(refusal(Data("{\"id\": ".utf8)))
        #expect(message.contains("is not valid JSON"), "\(message)")
        #expect(DefinitionBytes.problems(Array(String(repeating: "[", count: 10_000).utf8)).isEmpty)
    }

    @Test("the digest is the SHA-256 of the exact bytes, in hex and in four words")
    func digest() throws {
        let digest = DefinitionDigest(of: Data("abc".utf8))
        #expect(digest.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest.short == "ba7816bf8f01cfea")
        #expect(DefinitionDigest(hex: digest.hex) == digest)
        #expect(DefinitionDigest(hex: "xyz") == nil)
        #expect(DefinitionDigest(words: digest.words) == digest)
        #expect(DefinitionDigest(of: Data("abc\n".utf8)) != digest)
    }
}
