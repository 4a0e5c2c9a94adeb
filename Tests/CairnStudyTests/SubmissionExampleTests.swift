import Crypto
import Foundation
import Testing

@testable import CairnStudy

/// The worked example of `docs/FORMATS.md`, byte for byte.
///
/// The seeds and the ephemeral keys are fixed here so that the example is reproducible; real
/// submissions draw both fresh (``SubmissionShares/split(_:parties:)``, `HPKE.Sender`). The HPKE
/// encryption uses ``DocumentedHPKE`` (the steps `FORMATS.md` prescribes) because swift-crypto's
/// `HPKE.Sender` cannot take a fixed ephemeral key; the production ``SubmissionEnvelope/openShare``
/// (swift-crypto's `HPKE.Recipient`) must then open the result.
@Suite("Submission: the worked example of FORMATS.md")
struct SubmissionExampleTests {
    static let values: [UInt64] = [7, 0, UInt64.max]
    static let studyID = "example-study"
    static let participationCode = "example-code"
    static let submission: UInt32 = 1
    static let seeds: [[UInt8]] = [Array(0x00...0x0f), Array(0x10...0x1f)]

    /// Party i's private key and the ephemeral key for party i: SHA-256 of a label (example only).
    static func scalar(_ label: String) -> P256.KeyAgreement.PrivateKey {
        try! P256.KeyAgreement.PrivateKey(rawRepresentation: Array(SHA256.hash(data: Array(label.utf8))))
    }

    static let partyKeys = (1...3).map { scalar("cairn example party \($0)") }
    static let ephemeralKeys = (1...3).map { scalar("cairn example ephemeral \($0)") }

    /// Everything the example shows, by name.
    static func compute() -> [String: String] {
        var out: [String: String] = [:]
        let tag = ParticipantTag(studyID: studyID, participationCode: participationCode)
        out["participant tag"] = tag.hex
        let reference = SubmissionReference(studyID: studyID, participant: tag, submission: submission)
        let shares = SubmissionShares.split(values, seeds: seeds)
        var encrypted: [SubmissionEnvelope.EncryptedShare] = []
        for party in 0..<3 {
            let p = "party \(party)"
            out["\(p) skR"] = HPKEHex.string(partyKeys[party].rawRepresentation)
            out["\(p) pkR base64"] = SubmissionPublicKey(partyKeys[party].publicKey).base64
            out["\(p) skE"] = HPKEHex.string(ephemeralKeys[party].rawRepresentation)
            out["\(p) share words"] = shares[party].expand().map { String($0) }.joined(separator: " ")
            out["\(p) plaintext"] = HPKEHex.string(shares[party].plaintext)
            let context = reference.context(party: party, partyCount: 3)
            out["\(p) context"] = HPKEHex.string(context)
            let (enc, ciphertext) = DocumentedHPKE.seal(
                shares[party].plaintext, info: context, aad: context, to: partyKeys[party].publicKey, ephemeral: ephemeralKeys[party])
            out["\(p) enc"] = HPKEHex.string(enc)
            out["\(p) ciphertext"] = HPKEHex.string(ciphertext)
            encrypted.append(.init(party: party, enc: enc, ciphertext: ciphertext))
        }
        let envelope = SubmissionEnvelope(studyID: studyID, submission: submission, shares: encrypted)
        out["json"] = String(decoding: envelope.json(), as: UTF8.self)
        return out
    }

    static let expected: [String: String] = [
        "json":
            #"{"shares":[{"ciphertext":"ad3g90QvrHF+OuJF4EPm0Dv36QfsgnfyDd61vCj4Nlpuyma8o6I=","enc":"BGRgd3F2cgXp3j3xKcL43XtQ9pWXVzWMofHbeOLJUk7ISfmP/HKGze7iTwZ8ipnkH0+PqpktgNOYbUPZyTSns7c=","party":0},{"ciphertext":"K+dVi2GkuFEv17UCIYic/sFqJP0BuYPVTAFgIRxtxup+H5iZGv0=","enc":"BBSjSmqzID/i9QTOoqfPU3IDrro2462msdmp0+H5IsRgGq6AbaX3krzjyAxJ0cy4O0hBqexv819ok9yWpcDJanU=","party":1},{"ciphertext":"ah4v/bI8pU/mlYY9PkvfpwLm/Ev6hYegnAwIqXKQTK92Dr+0+Xtfo7X/GYdXAg==","enc":"BIsHsHSNsTk3HQmDDbq5DgnpRQMJU8qZYMVewWwHMFyjmHFNvnwzkdilyaPS13p2KURugqCAU5ubRp+Asg/bVkI=","party":2}],"study":"example-study","submission":1,"version":1}"#,
        "participant tag":
            "4197ec0e39fac67a4f972c7d0a660055929f29aca06ac6279e83e132e35c5a1f",
        "party 0 ciphertext":
            "69dde0f7442fac717e3ae245e043e6d03bf7e907ec8277f20ddeb5bc28f8365a6eca66bca3a2",
        "party 0 context":
            "00000013636169726e2f7375626d697373696f6e2f76310000000d6578616d706c652d73747564794197ec0e39fac67a4f972c7d0a660055929f29aca06ac6279e83e132e35c5a1f000000010300",
        "party 0 enc":
            "0464607771767205e9de3df129c2f8dd7b50f6959757358ca1f1db78e2c9524ec849f98ffc7286cdeee24f067c8a99e41f4f8faa992d80d3986d43d9c934a7b3b7",
        "party 0 pkR base64":
            "BGgk6MZ6GLUZ77L2R6v07Gb0EJNWTsbU0sBXXDKaQmn93a47JgjRVlYesk45O6otGJA5Wmwgig8SFwZh+EwA/IA=",
        "party 0 plaintext":
            "010100000003000102030405060708090a0b0c0d0e0f",
        "party 0 share words":
            "9393259258721313222 8779988069026713455 2212605065629484659",
        "party 0 skE":
            "1024bbdc01414c3e9e30f629546e1e14f42fdfc873588c1d01741002ccb5f3be",
        "party 0 skR":
            "c4a165dd32bb718dbbc6c4c2362ff3ba4fa4a012c104c6c41a5ebec360431326",
        "party 1 ciphertext":
            "2be7558b61a4b8512fd7b50221889cfec16a24fd01b983d54c0160211c6dc6ea7e1f98991afd",
        "party 1 context":
            "00000013636169726e2f7375626d697373696f6e2f76310000000d6578616d706c652d73747564794197ec0e39fac67a4f972c7d0a660055929f29aca06ac6279e83e132e35c5a1f000000010301",
        "party 1 enc":
            "0414a34a6ab3203fe2f504cea2a7cf537203aeba36e3ada6b1d9a9d3e1f922c4601aae806da5f792bce3c80c49d1ccb83b4841a9ec6ff35f6893dc96a5c0c96a75",
        "party 1 pkR base64":
            "BFAhQ2lMS9z8t4J1lDcAZeYPRdHHd1/7ha4KXaJPMC5C6uQJsPMddHI7MYfMDtaAHAbk+PPdzcteJEWRvE0vHIg=",
        "party 1 plaintext":
            "010100000003101112131415161718191a1b1c1d1e1f",
        "party 1 share words":
            "7841307975283155949 6409694962264260096 13102686586350703643",
        "party 1 skE":
            "7b3b239528d6ff36bacd9bdf3255028dfcc2b5b6923cfd2255815db951e1e556",
        "party 1 skR":
            "a046681501923628e1113ff12ad8b7813270a377ef98afed952266bb27232b0f",
        "party 2 ciphertext":
            "6a1e2ffdb23ca54fe695863d3e4bdfa702e6fc4bfa8587a09c0c08a972904caf760ebfb4f97b5fa3b5ff19875702",
        "party 2 context":
            "00000013636169726e2f7375626d697373696f6e2f76310000000d6578616d706c652d73747564794197ec0e39fac67a4f972c7d0a660055929f29aca06ac6279e83e132e35c5a1f000000010302",
        "party 2 enc":
            "048b07b0748db139371d09830dbab90e09e945030953ca9960c55ec16c07305ca398714dbe7c3391d8a5c9a3d2d77a7629446e82a080539b9b469f80b20fdb5642",
        "party 2 pkR base64":
            "BGGyOUY45BHW9NK6ZPdQx5EzhP+VKpAd8Bywt2Qec5v00mYYT4C69duK7mHENcCwObWY1aCjhKGaMEmliKvktnc=",
        "party 2 plaintext":
            "01020000000354ba93cf6984d21091721fedc267332d712537ec6227752b",
        "party 2 share words":
            "1212176839705082452 3257061042418578065 3131452421729363313",
        "party 2 skE":
            "1ac020c2413f13e7439bf07927e75b9a5a56e1d54109562cd0696f6afbee8a14",
        "party 2 skR":
            "b4c9909ebdf748b89260b25905fcc9c99e00467eeec95e6c0d9d9c1f416d0fde",
    ]

    @Test("the example's bytes are pinned")
    func pinned() {
        let actual = Self.compute()
        #expect(actual.keys.sorted() == Self.expected.keys.sorted())
        for key in actual.keys.sorted() {
            #expect(actual[key] == Self.expected[key], "\(key)")
        }
    }

    @Test("the production decryption opens the example and the shares sum to the values")
    func opens() throws {
        let json = try #require(Self.compute()["json"])
        let envelope = try SubmissionEnvelope(json: Data(json.utf8))
        let reference = SubmissionReference(
            studyID: Self.studyID, participant: ParticipantTag(studyID: Self.studyID, participationCode: Self.participationCode),
            submission: Self.submission)
        let shares = try (0..<3).map { party in
            try envelope.openShare(
                party: party, partyCount: 3, for: reference, expectedCount: 3, using: SubmissionPrivateKey(Self.partyKeys[party]))
        }
        #expect(shares == SubmissionShares.split(Self.values, seeds: Self.seeds))
        #expect(SubmissionShares.combine(shares) == Self.values)
    }

    /// Made by the reference JavaScript in `FORMATS.md` (WebCrypto in Node 20) with fresh seeds and
    /// fresh ephemeral keys (`crypto.getRandomValues`, `generateKey`), to the example's party keys.
    static let javaScriptEnvelope =
        #"{"shares":[{"ciphertext":"vz78HYh1fkQ5rtxRnBH/uHzOg5lpSPsWDA+fEkKm/A33rzam5ms=","enc":"BI9kKIZwpMxJa7iZEzPtlpD7c8bT2WA0jeuqhHYQzrEQ38OYeLFEFq+5sWdWZVXkbRm5FJ5gu/G94g34JiPxr4A=","party":0},{"ciphertext":"q+UKNgHSzHWCJNYsYjBFAfNi4xG5qchSx5lQvdDa6HwkQW2U0JE=","enc":"BJP664Uio9658Ekw2TFI6RI+PJQFVdob1YhZ8LXc3E/AbuOHA/JdV3ZoFm3r2bs3EikWqWcnvsSG1c6css1B01Y=","party":1},{"ciphertext":"Pq3AVynCXNvpBeCIoAHbXOPqm+ROjUMSdZjU2WiaMqDS8qPz9PH79FYj5S2wyA==","enc":"BGFNwJB5Y4T6ZfK0aL9BcOOatPTPgMqa9g7WwRAd0MiuPWWjVGrfn/gyCDI3RKfqW6xbtIlPBVpiPvYKopQD/yw=","party":2}],"study":"example-study","submission":1,"version":1}"#

    @Test("an envelope made by the reference JavaScript with fresh randomness opens")
    func javaScriptInterop() throws {
        let envelope = try SubmissionEnvelope(json: Data(Self.javaScriptEnvelope.utf8))
        #expect(Array(envelope.json()) == Array(Self.javaScriptEnvelope.utf8), "the JavaScript writes the canonical form")
        let reference = SubmissionReference(
            studyID: Self.studyID, participant: ParticipantTag(studyID: Self.studyID, participationCode: Self.participationCode),
            submission: Self.submission)
        let shares = try (0..<3).map { party in
            try envelope.openShare(
                party: party, partyCount: 3, for: reference, expectedCount: 3, using: SubmissionPrivateKey(Self.partyKeys[party]))
        }
        #expect(SubmissionShares.combine(shares) == Self.values)
        #expect(shares[0] != SubmissionShares.split(Self.values, seeds: Self.seeds)[0], "fresh seeds, not the example's")
    }
}
