import Crypto
import Foundation
import Testing

@testable import CairnStudy

/// RFC 9180 Appendix A.3.1: mode_base, DHKEM(P-256, HKDF-SHA256) (0x0010), HKDF-SHA256 (0x0001),
/// AES-128-GCM (0x0001) — the suite submissions use.
///
/// The hex is copied from the CFRG reference file `test-vectors.json` that the appendix was generated
/// from (the copy in swift-crypto 4.5.2, `Tests/CryptoTests/HPKE/hpke-test-vectors.json`), and was
/// compared against several independent public copies of the A.3.1 record.
///
/// What is checked where:
/// - swift-crypto's `HPKE.Recipient`, given skRm and enc, opens the vector ciphertexts for
///   sequence numbers 0, 1 and 2 to the vector plaintext with the vector aad, and its exporter gives
///   the three vector exports.
/// - swift-crypto's `HPKE.Sender` cannot be given a fixed ephemeral key (it always draws a fresh
///   one, and the initialiser that would take one is internal), so the sender side is checked
///   through ``DocumentedHPKE``, the step-by-step construction `docs/FORMATS.md` prescribes, built from
///   swift-crypto's ECDH, HKDF and AES-GCM: from skEm it reproduces enc, shared_secret, key,
///   base_nonce, exporter_secret and the ciphertexts of sequence numbers 0, 1, 2, 4, 255 and 256.
/// - DeriveKeyPair (not exposed by swift-crypto) is checked the same way: ikmE → skEm, ikmR → skRm.
@Suite("HPKE: RFC 9180 A.3.1 known answers")
struct HPKEVectorTests {
    enum Vector {
        static let info = "4f6465206f6e2061204772656369616e2055726e"
        static let ikmE = "4270e54ffd08d79d5928020af4686d8f6b7d35dbe470265f1f5aa22816ce860e"
        static let pkEm = "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325ac98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4"
        static let skEm = "4995788ef4b9d6132b249ce59a77281493eb39af373d236a1fe415cb0c2d7beb"
        static let ikmR = "668b37171f1072f3cf12ea8a236a45df23fc13b82af3609ad1e354f6ef817550"
        static let pkRm = "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0"
        static let skRm = "f3ce7fdae57e1a310d87f1ebbde6f328be0a99cdbcadf4d6589cf29de4b8ffd2"
        static let enc = "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325ac98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4"
        static let sharedSecret = "c0d26aeab536609a572b07695d933b589dcf363ff9d93c93adea537aeabb8cb8"
        static let key = "868c066ef58aae6dc589b6cfdd18f97e"
        static let baseNonce = "4e0bc5018beba4bf004cca59"
        static let exporterSecret = "14ad94af484a7ad3ef40e9f3be99ecc6fa9036df9d4920548424df127ee0d99f"

        /// "Beauty is truth, truth beauty"
        static let plaintext = "4265617574792069732074727574682c20747275746820626561757479"

        struct Encryption {
            let sequence: UInt64
            let aad: String
            let nonce: String
            let ciphertext: String
        }

        static let encryptions = [
            Encryption(
                sequence: 0, aad: "436f756e742d30", nonce: "4e0bc5018beba4bf004cca59",
                ciphertext: "5ad590bb8baa577f8619db35a36311226a896e7342a6d836d8b7bcd2f20b6c7f9076ac232e3ab2523f39513434"),
            Encryption(
                sequence: 1, aad: "436f756e742d31", nonce: "4e0bc5018beba4bf004cca58",
                ciphertext: "fa6f037b47fc21826b610172ca9637e82d6e5801eb31cbd3748271affd4ecb06646e0329cbdf3c3cd655b28e82"),
            Encryption(
                sequence: 2, aad: "436f756e742d32", nonce: "4e0bc5018beba4bf004cca5b",
                ciphertext: "895cabfac50ce6c6eb02ffe6c048bf53b7f7be9a91fc559402cbc5b8dcaeb52b2ccc93e466c28fb55fed7a7fec"),
            Encryption(
                sequence: 4, aad: "436f756e742d34", nonce: "4e0bc5018beba4bf004cca5d",
                ciphertext: "8787491ee8df99bc99a246c4b3216d3d57ab5076e18fa27133f520703bc70ec999dd36ce042e44f0c3169a6a8f"),
            Encryption(
                sequence: 255, aad: "436f756e742d323535", nonce: "4e0bc5018beba4bf004ccaa6",
                ciphertext: "2ad71c85bf3f45c6eca301426289854b31448bcf8a8ccb1deef3ebd87f60848aa53c538c30a4dac71d619ee2cd"),
            Encryption(
                sequence: 256, aad: "436f756e742d323536", nonce: "4e0bc5018beba4bf004ccb59",
                ciphertext: "10f179686aa2caec1758c8e554513f16472bd0a11e2a907dde0b212cbe87d74f367f8ffe5e41cd3e9962a6afb2"),
        ]

        /// (exporter_context, L, exported_value)
        static let exports: [(String, Int, String)] = [
            ("", 32, "5e9bc3d236e1911d95e65b576a8a86d478fb827e8bdfe77b741b289890490d4d"),
            ("00", 32, "6cff87658931bda83dc857e6353efe4987a201b849658d9b047aab4cf216e796"),
            ("54657374436f6e74657874", 32, "d8f1ea7942adbba7412c6d431c62d01371ea476b823eb697e1f6e6cae1dab85a"),
        ]
    }

    let hex = HPKEHex.self

    @Test("the suite is DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM")
    func suiteIdentifiers() {
        let suite = SubmissionEnvelope.ciphersuite
        #expect(suite.kem == .P256_HKDF_SHA256)
        #expect(suite.kdf == .HKDF_SHA256)
        #expect(suite.aead == .AES_GCM_128)
    }

    @Test("skRm and skEm give pkRm and pkEm; enc is pkEm in uncompressed form")
    func keyPairs() throws {
        let skR = try P256.KeyAgreement.PrivateKey(rawRepresentation: hex.bytes(Vector.skRm))
        #expect(hex.string(skR.publicKey.x963Representation) == Vector.pkRm)
        let skE = try P256.KeyAgreement.PrivateKey(rawRepresentation: hex.bytes(Vector.skEm))
        #expect(hex.string(skE.publicKey.x963Representation) == Vector.pkEm)
        #expect(Vector.enc == Vector.pkEm)
        // The published form of a party key round-trips the vector's pkRm.
        let published = SubmissionPrivateKey(skR).publicKey
        #expect(try SubmissionPublicKey(base64: published.base64) == published)
        #expect(hex.string(published.x963) == Vector.pkRm)
    }

    @Test("DeriveKeyPair: ikmE gives skEm and ikmR gives skRm (documented steps)")
    func deriveKeyPair() {
        #expect(hex.string(DocumentedHPKE.deriveKeyPair(ikm: hex.bytes(Vector.ikmE)).rawRepresentation) == Vector.skEm)
        #expect(hex.string(DocumentedHPKE.deriveKeyPair(ikm: hex.bytes(Vector.ikmR)).rawRepresentation) == Vector.skRm)
    }

    @Test("HPKE.Recipient opens the vector ciphertexts of sequence numbers 0, 1 and 2")
    func recipientOpens() throws {
        let skR = try P256.KeyAgreement.PrivateKey(rawRepresentation: hex.bytes(Vector.skRm))
        var recipient = try HPKE.Recipient(
            privateKey: skR, ciphersuite: SubmissionEnvelope.ciphersuite, info: Data(hex.bytes(Vector.info)),
            encapsulatedKey: Data(hex.bytes(Vector.enc)))
        for encryption in Vector.encryptions.prefix(3) {
            let plaintext = try recipient.open(Data(hex.bytes(encryption.ciphertext)), authenticating: Data(hex.bytes(encryption.aad)))
            #expect(hex.string(plaintext) == Vector.plaintext, "sequence \(encryption.sequence)")
        }
    }

    @Test("HPKE.Recipient rejects the vector ciphertext with another aad, info or out of order")
    func recipientRejects() throws {
        let skR = try P256.KeyAgreement.PrivateKey(rawRepresentation: hex.bytes(Vector.skRm))
        let first = Vector.encryptions[0]
        func recipient(info: String) throws -> HPKE.Recipient {
            try HPKE.Recipient(
                privateKey: skR, ciphersuite: SubmissionEnvelope.ciphersuite, info: Data(hex.bytes(info)),
                encapsulatedKey: Data(hex.bytes(Vector.enc)))
        }
        var wrongAAD = try recipient(info: Vector.info)
        #expect(throws: (any Error).self) {
            try wrongAAD.open(Data(hex.bytes(first.ciphertext)), authenticating: Data(hex.bytes(Vector.encryptions[1].aad)))
        }
        var wrongInfo = try recipient(info: Vector.info + "00")
        #expect(throws: (any Error).self) {
            try wrongInfo.open(Data(hex.bytes(first.ciphertext)), authenticating: Data(hex.bytes(first.aad)))
        }
        var outOfOrder = try recipient(info: Vector.info)
        #expect(throws: (any Error).self) {
            try outOfOrder.open(Data(hex.bytes(Vector.encryptions[1].ciphertext)), authenticating: Data(hex.bytes(Vector.encryptions[1].aad)))
        }
    }

    @Test("HPKE.Recipient's exporter gives the vector exports")
    func recipientExports() throws {
        let skR = try P256.KeyAgreement.PrivateKey(rawRepresentation: hex.bytes(Vector.skRm))
        let recipient = try HPKE.Recipient(
            privateKey: skR, ciphersuite: SubmissionEnvelope.ciphersuite, info: Data(hex.bytes(Vector.info)),
            encapsulatedKey: Data(hex.bytes(Vector.enc)))
        for (context, length, value) in Vector.exports {
            let exported = try recipient.exportSecret(context: hex.bytes(context), outputByteCount: length)
            #expect(exported.withUnsafeBytes { hex.string($0) } == value, "exporter context \(context)")
        }
    }

    @Test("documented steps reproduce the vector's shared secret, key schedule and exports")
    func documentedKeySchedule() throws {
        let skR = try P256.KeyAgreement.PrivateKey(rawRepresentation: hex.bytes(Vector.skRm))
        let skE = try P256.KeyAgreement.PrivateKey(rawRepresentation: hex.bytes(Vector.skEm))
        // Encap (sender, from skE and pkR) and Decap (recipient, from skR and enc) agree on the DH value.
        let dhSender = DocumentedHPKE.dh(skE, skR.publicKey)
        let dhRecipient = DocumentedHPKE.dh(skR, try P256.KeyAgreement.PublicKey(x963Representation: hex.bytes(Vector.enc)))
        #expect(dhSender == dhRecipient)
        let secret = DocumentedHPKE.sharedSecret(dh: dhRecipient, enc: hex.bytes(Vector.enc), pkRm: hex.bytes(Vector.pkRm))
        #expect(hex.string(secret) == Vector.sharedSecret)
        let schedule = DocumentedHPKE.keySchedule(sharedSecret: secret, info: hex.bytes(Vector.info))
        #expect(hex.string(schedule.key) == Vector.key)
        #expect(hex.string(schedule.baseNonce) == Vector.baseNonce)
        #expect(hex.string(schedule.exporterSecret) == Vector.exporterSecret)
        for (context, length, value) in Vector.exports {
            #expect(hex.string(schedule.export(context: hex.bytes(context), length: length)) == value)
        }
    }

    @Test("documented steps reproduce the sender side: enc and the ciphertexts of sequence 0, 1, 2, 4, 255, 256")
    func documentedSender() throws {
        let skR = try P256.KeyAgreement.PrivateKey(rawRepresentation: hex.bytes(Vector.skRm))
        let skE = try P256.KeyAgreement.PrivateKey(rawRepresentation: hex.bytes(Vector.skEm))
        let first = Vector.encryptions[0]
        let (enc, ciphertext) = DocumentedHPKE.seal(
            hex.bytes(Vector.plaintext), info: hex.bytes(Vector.info), aad: hex.bytes(first.aad), to: skR.publicKey, ephemeral: skE)
        #expect(hex.string(enc) == Vector.enc)
        #expect(hex.string(ciphertext) == first.ciphertext)

        let secret = DocumentedHPKE.sharedSecret(dh: DocumentedHPKE.dh(skE, skR.publicKey), enc: enc, pkRm: hex.bytes(Vector.pkRm))
        let schedule = DocumentedHPKE.keySchedule(sharedSecret: secret, info: hex.bytes(Vector.info))
        for encryption in Vector.encryptions {
            #expect(hex.string(schedule.nonce(sequence: encryption.sequence)) == encryption.nonce)
            let sealed = schedule.seal(hex.bytes(Vector.plaintext), aad: hex.bytes(encryption.aad), sequence: encryption.sequence)
            #expect(hex.string(sealed) == encryption.ciphertext, "sequence \(encryption.sequence)")
            let opened = try schedule.open(hex.bytes(encryption.ciphertext), aad: hex.bytes(encryption.aad), sequence: encryption.sequence)
            #expect(hex.string(opened) == Vector.plaintext)
        }
    }

    @Test("HPKE.Recipient opens what the documented steps seal with a fresh ephemeral key")
    func documentedSenderInteroperates() throws {
        let skR = P256.KeyAgreement.PrivateKey()
        let info = Array("documented steps".utf8)
        let aad = Array("aad".utf8)
        let plaintext = Array("a message that is longer than one AES block".utf8)
        let (enc, ciphertext) = DocumentedHPKE.seal(plaintext, info: info, aad: aad, to: skR.publicKey, ephemeral: P256.KeyAgreement.PrivateKey())
        var recipient = try HPKE.Recipient(
            privateKey: skR, ciphersuite: SubmissionEnvelope.ciphersuite, info: Data(info), encapsulatedKey: Data(enc))
        #expect(Array(try recipient.open(Data(ciphertext), authenticating: Data(aad))) == plaintext)
    }
}
