import Crypto
import Foundation
import Testing

@testable import CairnStudy

@Suite("Submission: HPKE envelopes")
struct SubmissionEnvelopeTests {
    static let values: [UInt64] = [31_337, 0, UInt64.max, 1 << 63, 271_828]
    static let participant = ParticipantTag(studyID: "flu-2025", participationCode: "K7Q2-PLUM-9X4D")
    static let reference = SubmissionReference(studyID: "flu-2025", participant: participant, submission: 3)

    struct Parties {
        let privateKeys: [SubmissionPrivateKey]
        var publicKeys: [SubmissionPublicKey] { privateKeys.map(\.publicKey) }
        init(_ count: Int) { privateKeys = (0..<count).map { _ in .generate() } }
        init(sameKey count: Int) {
            let key = SubmissionPrivateKey.generate()
            privateKeys = Array(repeating: key, count: count)
        }
    }

    func openAll(_ envelope: SubmissionEnvelope, _ parties: Parties, for reference: SubmissionReference = reference) throws -> [ShareBody] {
        try parties.privateKeys.indices.map { party in
            try envelope.openShare(
                party: party, partyCount: parties.privateKeys.count, for: reference, expectedCount: Self.values.count,
                using: parties.privateKeys[party])
        }
    }

    /// Every way a plaintext or share could leak into a message: the values, the shares' words and
    /// the seeds, in decimal and hexadecimal.
    func forbiddenWords(_ shares: [ShareBody]) -> [String] {
        var words = Self.values.filter { $0 > 9 }.map { String($0) }
        for share in shares {
            words += share.expand().filter { $0 > 9 }.map { String($0) }
            words += share.expand().map { String($0, radix: 16) }.filter { $0.count >= 6 }
            if case let .seed(seed, _) = share { words.append(SubmissionWire.hex(seed)) }
            words.append(SubmissionWire.hex(share.plaintext))
        }
        return words
    }

    func expectDecryptionFailure(
        _ body: () throws(SubmissionError) -> ShareBody, party: Int, reference: SubmissionReference = reference,
        shares: [ShareBody], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try body()
            Issue.record("the share opened", sourceLocation: sourceLocation)
        } catch {
            #expect(error == .doesNotDecrypt(reference, party: party), sourceLocation: sourceLocation)
            let message = error.description
            #expect(message.contains("submission \(reference.submission) of participant \(reference.participant)"), sourceLocation: sourceLocation)
            #expect(message.contains("study \"\(reference.studyID)\""), sourceLocation: sourceLocation)
            #expect(message.contains("party \(party + 1) does not decrypt"), sourceLocation: sourceLocation)
            for word in forbiddenWords(shares) {
                #expect(!message.contains(word), "message leaks \(word)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("seal then open for every party gives shares that sum to the values", arguments: [2, 3])
    func roundTrip(partyCount: Int) throws {
        let parties = Parties(partyCount)
        let envelope = try SubmissionEnvelope.seal(Self.values, for: Self.reference, to: parties.publicKeys)
        #expect(envelope.version == 1)
        #expect(envelope.studyID == "flu-2025")
        #expect(envelope.submission == 3)
        #expect(envelope.shares.map(\.party) == Array(0..<partyCount))
        for share in envelope.shares { #expect(share.enc.count == 65 && share.enc[0] == 4) }
        #expect(envelope.shares.last!.ciphertext.count == 6 + 8 * Self.values.count + 16)
        #expect(envelope.shares.first!.ciphertext.count == 6 + 16 + 16)

        let shares = try openAll(envelope, parties)
        #expect(SubmissionShares.combine(shares) == Self.values)

        // Through JSON and back.
        let decoded = try SubmissionEnvelope(json: envelope.json())
        #expect(decoded == envelope)
        #expect(SubmissionShares.combine(try openAll(decoded, parties)) == Self.values)
    }

    @Test("an empty vector round-trips")
    func emptyVector() throws {
        let parties = Parties(3)
        let envelope = try SubmissionEnvelope.seal([], for: Self.reference, to: parties.publicKeys)
        let shares = try parties.privateKeys.indices.map {
            try envelope.openShare(party: $0, partyCount: 3, for: Self.reference, expectedCount: 0, using: parties.privateKeys[$0])
        }
        #expect(SubmissionShares.combine(shares) == [])
    }

    @Test("two seals of the same values differ in every byte string")
    func freshEncryption() throws {
        let parties = Parties(3)
        let a = try SubmissionEnvelope.seal(Self.values, for: Self.reference, to: parties.publicKeys)
        let b = try SubmissionEnvelope.seal(Self.values, for: Self.reference, to: parties.publicKeys)
        for party in 0..<3 {
            #expect(a.shares[party].enc != b.shares[party].enc)
            #expect(a.shares[party].ciphertext != b.shares[party].ciphertext)
        }
    }

    @Test("a flipped byte in enc or in the ciphertext is refused, naming the submission")
    func tampering() throws {
        let parties = Parties(3)
        let envelope = try SubmissionEnvelope.seal(Self.values, for: Self.reference, to: parties.publicKeys)
        let shares = try openAll(envelope, parties)
        for party in 0..<3 {
            let ciphertextLength = envelope.shares[party].ciphertext.count
            for position in [0, ciphertextLength / 2, ciphertextLength - 1] {
                var altered = envelope
                altered.shares[party].ciphertext[position] ^= 0x01
                expectDecryptionFailure({ () throws(SubmissionError) in
                    try altered.openShare(party: party, partyCount: 3, for: Self.reference, using: parties.privateKeys[party])
                }, party: party, shares: shares)
            }
            // Truncated ciphertexts, down to nothing.
            for length in [0, 15, ciphertextLength - 1] {
                var altered = envelope
                altered.shares[party].ciphertext = Array(altered.shares[party].ciphertext.prefix(length))
                expectDecryptionFailure({ () throws(SubmissionError) in
                    try altered.openShare(party: party, partyCount: 3, for: Self.reference, using: parties.privateKeys[party])
                }, party: party, shares: shares)
            }
            // A flipped byte in enc: almost always no longer a curve point.
            var altered = envelope
            altered.shares[party].enc[64] ^= 0x01
            #expect(throws: SubmissionError.malformedEncapsulatedKey(Self.reference, party: party)) {
                try altered.openShare(party: party, partyCount: 3, for: Self.reference, using: parties.privateKeys[party])
            }
            // Another valid point as enc: a clean decryption failure.
            altered = envelope
            altered.shares[party].enc = envelope.shares[(party + 1) % 3].enc
            expectDecryptionFailure({ () throws(SubmissionError) in
                try altered.openShare(party: party, partyCount: 3, for: Self.reference, using: parties.privateKeys[party])
            }, party: party, shares: shares)
        }
        let message = SubmissionError.malformedEncapsulatedKey(Self.reference, party: 1).description
        #expect(message.hasPrefix("submission 3 of participant \(Self.participant) in study \"flu-2025\": the encapsulated key for party 2"))
    }

    @Test("a ciphertext moved to another participant does not decrypt")
    func movedToAnotherParticipant() throws {
        let parties = Parties(3)
        let envelope = try SubmissionEnvelope.seal(Self.values, for: Self.reference, to: parties.publicKeys)
        let shares = try openAll(envelope, parties)
        let other = SubmissionReference(
            studyID: "flu-2025", participant: ParticipantTag(studyID: "flu-2025", participationCode: "K7Q2-PLUM-9X4E"), submission: 3)
        for party in 0..<3 {
            expectDecryptionFailure({ () throws(SubmissionError) in
                try envelope.openShare(party: party, partyCount: 3, for: other, using: parties.privateKeys[party])
            }, party: party, reference: other, shares: shares)
        }
    }

    @Test("a ciphertext moved to another party does not decrypt, even when the parties share a key")
    func movedToAnotherParty() throws {
        for parties in [Parties(3), Parties(sameKey: 3)] {
            let envelope = try SubmissionEnvelope.seal(Self.values, for: Self.reference, to: parties.publicKeys)
            let shares = try openAll(envelope, parties)
            for (from, to) in [(0, 1), (1, 0), (2, 0), (0, 2)] {
                var moved = envelope
                moved.shares[to].enc = envelope.shares[from].enc
                moved.shares[to].ciphertext = envelope.shares[from].ciphertext
                expectDecryptionFailure({ () throws(SubmissionError) in
                    try moved.openShare(party: to, partyCount: 3, for: Self.reference, using: parties.privateKeys[to])
                }, party: to, shares: shares)
            }
        }
    }

    @Test("a ciphertext moved to another submission number does not decrypt")
    func movedToAnotherSubmission() throws {
        let parties = Parties(3)
        let envelope = try SubmissionEnvelope.seal(Self.values, for: Self.reference, to: parties.publicKeys)
        let shares = try openAll(envelope, parties)
        let fourth = SubmissionReference(studyID: "flu-2025", participant: Self.participant, submission: 4)
        // The service relabels the envelope as submission 4: the ciphertexts still say 3.
        var relabelled = envelope
        relabelled.submission = 4
        for party in 0..<3 {
            expectDecryptionFailure({ () throws(SubmissionError) in
                try relabelled.openShare(party: party, partyCount: 3, for: fourth, using: parties.privateKeys[party])
            }, party: party, reference: fourth, shares: shares)
        }
        // Delivered for submission 4 without relabelling: refused before decryption, naming both.
        #expect(throws: SubmissionError.envelopeMismatch(fourth, "it names submission 3")) {
            try envelope.openShare(party: 0, partyCount: 3, for: fourth, using: parties.privateKeys[0])
        }
        #expect(
            SubmissionError.envelopeMismatch(fourth, "it names submission 3").description
                == "submission 4 of participant \(Self.participant) in study \"flu-2025\": the envelope does not belong here: it names submission 3")
    }

    @Test("a ciphertext moved to another study does not decrypt")
    func movedToAnotherStudy() throws {
        let parties = Parties(2)
        let envelope = try SubmissionEnvelope.seal(Self.values, for: Self.reference, to: parties.publicKeys)
        let shares = try openAll(envelope, parties)
        // Same participant tag (as if the service reused it), another study.
        let other = SubmissionReference(studyID: "flu-2026", participant: Self.participant, submission: 3)
        var relabelled = envelope
        relabelled.studyID = "flu-2026"
        for party in 0..<2 {
            expectDecryptionFailure({ () throws(SubmissionError) in
                try relabelled.openShare(party: party, partyCount: 2, for: other, using: parties.privateKeys[party])
            }, party: party, reference: other, shares: shares)
        }
        #expect(throws: SubmissionError.envelopeMismatch(other, "it names study \"flu-2025\"")) {
            try envelope.openShare(party: 0, partyCount: 2, for: other, using: parties.privateKeys[0])
        }
    }

    @Test("a share opened with another party's key, or for another party count, does not decrypt")
    func wrongKeyOrPartyCount() throws {
        let parties = Parties(3)
        let envelope = try SubmissionEnvelope.seal(Self.values, for: Self.reference, to: parties.publicKeys)
        let shares = try openAll(envelope, parties)
        expectDecryptionFailure({ () throws(SubmissionError) in
            try envelope.openShare(party: 0, partyCount: 3, for: Self.reference, using: parties.privateKeys[1])
        }, party: 0, shares: shares)
        // A 3-party envelope cut down to 2 parties.
        var cut = envelope
        cut.shares.removeLast()
        expectDecryptionFailure({ () throws(SubmissionError) in
            try cut.openShare(party: 0, partyCount: 2, for: Self.reference, using: parties.privateKeys[0])
        }, party: 0, shares: shares)
        #expect(throws: SubmissionError.wrongParties(Self.reference, "the envelope holds 2 shares for a study with 3 parties")) {
            try cut.openShare(party: 0, partyCount: 3, for: Self.reference, using: parties.privateKeys[0])
        }
        var reordered = envelope
        reordered.shares.swapAt(0, 1)
        #expect(throws: SubmissionError.wrongParties(Self.reference, "the envelope's share number 1 is labelled for party 2")) {
            try reordered.openShare(party: 0, partyCount: 3, for: Self.reference, using: parties.privateKeys[0])
        }
    }

    @Test("the expected number of values is checked")
    func expectedCount() throws {
        let parties = Parties(2)
        let envelope = try SubmissionEnvelope.seal(Self.values, for: Self.reference, to: parties.publicKeys)
        #expect(throws: SubmissionError.unexpectedCount(Self.reference, party: 1, count: 5, expected: 6)) {
            try envelope.openShare(party: 1, partyCount: 2, for: Self.reference, expectedCount: 6, using: parties.privateKeys[1])
        }
    }

    @Test("a seed where the full vector belongs, and the reverse, are refused")
    func wrongShareKinds() throws {
        let parties = Parties(2)
        let shares: [ShareBody] = [.full([1, 2]), .seed(Array(0..<16), count: 2)]
        let envelope = try SubmissionEnvelope.seal(shares: shares, for: Self.reference, to: parties.publicKeys)
        for party in 0..<2 {
            #expect {
                try envelope.openShare(party: party, partyCount: 2, for: Self.reference, using: parties.privateKeys[party])
            } throws: { error in
                guard case let SubmissionError.malformedShare(reference, failing, _) = error else { return false }
                return reference == Self.reference && failing == party
            }
        }
    }

    @Test("refused arguments: party counts other than 2 and 3, empty or overlong study IDs")
    func invalidArguments() {
        let one = Parties(1)
        #expect(throws: SubmissionError.invalidArgument("a submission is shared among 2 or 3 compute parties, not 1")) {
            try SubmissionEnvelope.seal([1], for: Self.reference, to: one.publicKeys)
        }
        let parties = Parties(2)
        for study in ["", String(repeating: "é", count: 128)] {
            let reference = SubmissionReference(studyID: study, participant: Self.participant, submission: 1)
            #expect(throws: SubmissionError.self) {
                try SubmissionEnvelope.seal([1], for: reference, to: parties.publicKeys)
            }
        }
    }

    @Test("context bytes: label, study, tag, submission, party count, party index")
    func contextBytes() {
        let tag = ParticipantTag(bytes: [UInt8](repeating: 0xaa, count: 32))!
        let reference = SubmissionReference(studyID: "étude", participant: tag, submission: 0x0102_0304)
        let context = reference.context(party: 1, partyCount: 3)
        let expected =
            "00000013" + SubmissionWire.hex(Array("cairn/submission/v1".utf8))
            + "00000006" + "c3a974756465" + String(repeating: "aa", count: 32) + "01020304" + "03" + "01"
        #expect(SubmissionWire.hex(context) == expected)
    }

    @Test("participant tag: SHA-256 of the length-prefixed label, study ID and code")
    func participantTag() {
        let tag = ParticipantTag(studyID: "flu-2025", participationCode: "K7Q2-PLUM-9X4D")
        let input =
            SubmissionWire.lengthPrefixed(Array("cairn/participant/v1".utf8)) + SubmissionWire.lengthPrefixed(Array("flu-2025".utf8))
            + SubmissionWire.lengthPrefixed(Array("K7Q2-PLUM-9X4D".utf8))
        #expect(tag.bytes == Array(SHA256.hash(data: input)))
        #expect(ParticipantTag(hex: tag.hex) == tag)
        #expect(ParticipantTag(hex: tag.hex.uppercased()) == tag)
        #expect(ParticipantTag(hex: "00") == nil)
        #expect(ParticipantTag(hex: String(repeating: "zz", count: 32)) == nil)
        #expect(tag.description.count == 8)
        // The same code in another study is another participant.
        #expect(ParticipantTag(studyID: "flu-2026", participationCode: "K7Q2-PLUM-9X4D") != tag)
    }

    @Test("canonical JSON: sorted keys, no white space, standard base64")
    func canonicalJSON() throws {
        let envelope = SubmissionEnvelope(
            studyID: "s/1", submission: 7,
            shares: [
                .init(party: 0, enc: [0xfb, 0xff], ciphertext: [1, 2, 3]),
                .init(party: 1, enc: [0x04], ciphertext: []),
            ])
        let text = String(decoding: envelope.json(), as: UTF8.self)
        #expect(
            text == #"{"shares":[{"ciphertext":"AQID","enc":"+/8=","party":0},{"ciphertext":"","enc":"BA==","party":1}],"study":"s/1","submission":7,"version":1}"#)
        // Any key order and white space is accepted.
        let loose = #"{ "version": 1, "submission": 7, "study": "s/1", "shares": [ {"party":0, "enc":"+/8=", "ciphertext":"AQID"}, {"party":1,"enc":"BA==","ciphertext":""} ] }"#
        #expect(try SubmissionEnvelope(json: Data(loose.utf8)) == envelope)
    }

    @Test("malformed JSON is refused in plain words")
    func malformedJSON() {
        let cases: [(String, String)] = [
            ("[1]", "the submission envelope is not valid: it is not a JSON object"),
            (#"{"version":1,"study":"s","submission":1}"#, #"the submission envelope is not valid: the field "shares" is missing"#),
            (#"{"version":1,"study":"s","submission":-1,"shares":[]}"#, #"the submission envelope is not valid: the field "submission" is not a whole number from 0 to 4294967295"#),
            (
                #"{"version":1,"study":"s","submission":1,"shares":[{"party":0,"enc":"***","ciphertext":""}]}"#,
                #"the submission envelope is not valid: the field "shares[0].enc" is not base64 text"#
            ),
            (
                #"{"version":1,"study":"s","submission":1,"shares":[{"party":0,"enc":""}]}"#,
                #"the submission envelope is not valid: the field "shares[0].ciphertext" is missing"#
            ),
        ]
        for json in ["not json", #"{"version":1,"study":"s","submission":1.5,"shares":[]}"#] {
            #expect(throws: SubmissionError.self) { try SubmissionEnvelope(json: Data(json.utf8)) }
        }
        for (json, message) in cases {
            do {
                _ = try SubmissionEnvelope(json: Data(json.utf8))
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test("an unknown envelope version is refused")
    func unknownVersion() throws {
        let parties = Parties(2)
        var envelope = try SubmissionEnvelope.seal(Self.values, for: Self.reference, to: parties.publicKeys)
        envelope.version = 2
        #expect(throws: SubmissionError.unsupportedVersion(2)) {
            try envelope.openShare(party: 0, partyCount: 2, for: Self.reference, using: parties.privateKeys[0])
        }
    }
}

@Suite("Submission: party keys")
struct SubmissionKeyTests {
    @Test("public keys: base64 of the 65-byte uncompressed point, round trip")
    func publicKeyRoundTrip() throws {
        let key = SubmissionPrivateKey.generate()
        let text = key.publicKey.base64
        let bytes = try #require(Data(base64Encoded: text))
        #expect(bytes.count == 65 && bytes.first == 0x04)
        #expect(try SubmissionPublicKey(base64: "  \(text)\n") == key.publicKey)
    }

    @Test("private keys: PEM round trip, PKCS #8 and SEC 1")
    func privateKeyRoundTrip() throws {
        let key = SubmissionPrivateKey.generate()
        #expect(key.pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let read = try SubmissionPrivateKey(pem: key.pem + "\n")
        #expect(read.key.rawRepresentation == key.key.rawRepresentation)
        // A SEC 1 key made once with `openssl ecparam -genkey -name prime256v1 -noout` (test key only).
        let sec1 = """
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIGrclm+CjzjXxBhVbD+hzrHS/JwaUP9iJEUTyO532RnLoAoGCCqGSM49
            AwEHoUQDQgAEHtSzhBj56CwnD2ox5u3uiu+sVt76LZp2oVxKzh5vmal0fuyOQGmx
            jrlq81HKSjdF3JksR3LzP8ENH4iA/HLPzA==
            -----END EC PRIVATE KEY-----
            """
        #expect(
            try SubmissionPrivateKey(pem: sec1).publicKey.base64
                == "BB7Us4QY+egsJw9qMebt7orvrFbe+i2adqFcSs4eb5mpdH7sjkBpsY65avNRyko3RdyZLEdy8z/BDR+IgPxyz8w=")
    }

    @Test("public key parse errors in plain words")
    func publicKeyErrors() throws {
        let compressed = SubmissionPrivateKey.generate().key.publicKey.compressedRepresentation.base64EncodedString()
        var offCurve = [UInt8](repeating: 0x01, count: 65)
        offCurve[0] = 0x04
        let cases: [(String, SubmissionKeyError)] = [
            ("", .emptyPublicKey),
            ("not base64!", .publicKeyNotBase64),
            (compressed, .publicKeyWrongLength(33)),
            (Data(offCurve).base64EncodedString(), .publicKeyNotOnCurve),
        ]
        for (text, error) in cases {
            #expect(throws: error) { try SubmissionPublicKey(base64: text) }
        }
        #expect(
            SubmissionKeyError.publicKeyWrongLength(33).description
                == "the party's submission public key is 33 bytes; a P-256 public key in uncompressed X9.63 form is 65 bytes starting with 04")
    }

    @Test("private key parse errors in plain words")
    func privateKeyErrors() throws {
        let p384 = P384.KeyAgreement.PrivateKey().pemRepresentation
        let publicPEM = SubmissionPrivateKey.generate().key.publicKey.pemRepresentation
        let cases: [(String, SubmissionKeyError)] = [
            ("  \n", .emptyPrivateKey),
            ("MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg", .privateKeyNotPEM),
            (publicPEM, .privateKeyIsPublic),
            (p384, .privateKeyNotP256),
            ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", .privateKeyNotP256),
        ]
        for (text, error) in cases {
            #expect(throws: error) { try SubmissionPrivateKey(pem: text) }
        }
        for error in cases.map(\.1) {
            #expect(!error.description.isEmpty)
        }
    }
}
