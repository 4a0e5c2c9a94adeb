import Crypto
import Foundation

/// RFC 9180 base mode for DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM, written out step
/// by step exactly as `docs/FORMATS.md` tells a browser implementation to do it, from swift-crypto
/// primitives (P-256 ECDH, HKDF-SHA256, AES-GCM).
///
/// Test code only. Production code encrypts with swift-crypto's `HPKE.Sender`, which always draws a
/// fresh ephemeral key and offers no way to supply a fixed one; these steps take the ephemeral key
/// as an argument, so they can (1) reproduce RFC 9180's sender-side vectors, (2) produce the worked
/// example of `FORMATS.md` with pinned ephemeral keys, and (3) prove, by having `HPKE.Recipient`
/// open their output, that the documented steps are what swift-crypto implements.
enum DocumentedHPKE {
    static let kemID: [UInt8] = [0x00, 0x10]
    static let kdfID: [UInt8] = [0x00, 0x01]
    static let aeadID: [UInt8] = [0x00, 0x01]
    static let kemSuiteID = Array("KEM".utf8) + kemID
    static let hpkeSuiteID = Array("HPKE".utf8) + kemID + kdfID + aeadID

    /// HKDF-Extract(salt, "HPKE-v1" ‖ suite_id ‖ label ‖ ikm).
    static func labeledExtract(salt: [UInt8], label: String, ikm: [UInt8], suiteID: [UInt8]) -> [UInt8] {
        let labeled = Array("HPKE-v1".utf8) + suiteID + Array(label.utf8) + ikm
        // An empty salt stands for 32 zero bytes (RFC 5869 §2.2); HMAC pads either to the same key.
        let prk = HKDF<SHA256>.extract(inputKeyMaterial: SymmetricKey(data: labeled), salt: salt)
        return Array(prk)
    }

    /// HKDF-Expand(prk, I2OSP(L, 2) ‖ "HPKE-v1" ‖ suite_id ‖ label ‖ info, L).
    static func labeledExpand(prk: [UInt8], label: String, info: [UInt8], length: Int, suiteID: [UInt8]) -> [UInt8] {
        let labeled = [UInt8(length >> 8), UInt8(length & 0xff)] + Array("HPKE-v1".utf8) + suiteID + Array(label.utf8) + info
        let okm = HKDF<SHA256>.expand(pseudoRandomKey: prk, info: labeled, outputByteCount: length)
        return okm.withUnsafeBytes { Array($0) }
    }

    /// DeriveKeyPair(ikm) for P-256 (RFC 9180 §7.1.3): the private scalar.
    static func deriveKeyPair(ikm: [UInt8]) -> P256.KeyAgreement.PrivateKey {
        let dkpPRK = labeledExtract(salt: [], label: "dkp_prk", ikm: ikm, suiteID: kemSuiteID)
        for counter in 0...255 {
            let candidate = labeledExpand(prk: dkpPRK, label: "candidate", info: [UInt8(counter)], length: 32, suiteID: kemSuiteID)
            // Bitmask 0xff for P-256: the first byte is kept whole. Zero or ≥ order is rejected.
            if let key = try? P256.KeyAgreement.PrivateKey(rawRepresentation: candidate) { return key }
        }
        fatalError("DeriveKeyPair found no valid candidate")
    }

    /// The KEM shared secret from the Diffie-Hellman value: ExtractAndExpand(dh, enc ‖ pkRm).
    static func sharedSecret(dh: [UInt8], enc: [UInt8], pkRm: [UInt8]) -> [UInt8] {
        let eaePRK = labeledExtract(salt: [], label: "eae_prk", ikm: dh, suiteID: kemSuiteID)
        return labeledExpand(prk: eaePRK, label: "shared_secret", info: enc + pkRm, length: 32, suiteID: kemSuiteID)
    }

    /// The x-coordinate of `private · public` (32 bytes).
    static func dh(_ privateKey: P256.KeyAgreement.PrivateKey, _ publicKey: P256.KeyAgreement.PublicKey) -> [UInt8] {
        let secret = try! privateKey.sharedSecretFromKeyAgreement(with: publicKey)
        return secret.withUnsafeBytes { Array($0) }
    }

    struct KeySchedule {
        var key: [UInt8]
        var baseNonce: [UInt8]
        var exporterSecret: [UInt8]

        /// nonce = base_nonce XOR I2OSP(seq, 12).
        func nonce(sequence: UInt64) -> [UInt8] {
            var nonce = baseNonce
            for i in 0..<8 { nonce[11 - i] ^= UInt8(truncatingIfNeeded: sequence >> UInt64(8 * i)) }
            return nonce
        }

        func seal(_ plaintext: [UInt8], aad: [UInt8], sequence: UInt64 = 0) -> [UInt8] {
            let box = try! AES.GCM.seal(
                plaintext, using: SymmetricKey(data: key), nonce: try! AES.GCM.Nonce(data: nonce(sequence: sequence)),
                authenticating: aad)
            return Array(box.ciphertext) + Array(box.tag)
        }

        func open(_ ciphertext: [UInt8], aad: [UInt8], sequence: UInt64) throws -> [UInt8] {
            let box = try AES.GCM.SealedBox(
                nonce: try AES.GCM.Nonce(data: nonce(sequence: sequence)),
                ciphertext: ciphertext.dropLast(16), tag: ciphertext.suffix(16))
            return Array(try AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: aad))
        }

        /// Export(exporter_context, L) = LabeledExpand(exporter_secret, "sec", exporter_context, L).
        func export(context: [UInt8], length: Int) -> [UInt8] {
            DocumentedHPKE.labeledExpand(prk: exporterSecret, label: "sec", info: context, length: length, suiteID: DocumentedHPKE.hpkeSuiteID)
        }
    }

    /// KeySchedule for mode_base (0x00), empty psk and psk_id.
    static func keySchedule(sharedSecret: [UInt8], info: [UInt8]) -> KeySchedule {
        let pskIDHash = labeledExtract(salt: [], label: "psk_id_hash", ikm: [], suiteID: hpkeSuiteID)
        let infoHash = labeledExtract(salt: [], label: "info_hash", ikm: info, suiteID: hpkeSuiteID)
        let context = [0x00] + pskIDHash + infoHash
        let secret = labeledExtract(salt: sharedSecret, label: "secret", ikm: [], suiteID: hpkeSuiteID)
        return KeySchedule(
            key: labeledExpand(prk: secret, label: "key", info: context, length: 16, suiteID: hpkeSuiteID),
            baseNonce: labeledExpand(prk: secret, label: "base_nonce", info: context, length: 12, suiteID: hpkeSuiteID),
            exporterSecret: labeledExpand(prk: secret, label: "exp", info: context, length: 32, suiteID: hpkeSuiteID))
    }

    /// SetupBaseS + Seal (sequence 0) with a given ephemeral key: returns (enc, ciphertext).
    static func seal(
        _ plaintext: [UInt8], info: [UInt8], aad: [UInt8], to recipient: P256.KeyAgreement.PublicKey,
        ephemeral: P256.KeyAgreement.PrivateKey
    ) -> (enc: [UInt8], ciphertext: [UInt8]) {
        let enc = Array(ephemeral.publicKey.x963Representation)
        let secret = sharedSecret(dh: dh(ephemeral, recipient), enc: enc, pkRm: Array(recipient.x963Representation))
        return (enc, keySchedule(sharedSecret: secret, info: info).seal(plaintext, aad: aad))
    }
}

/// Hexadecimal text for the known-answer tests.
enum HPKEHex {
    static func bytes(_ hex: String) -> [UInt8] {
        precondition(hex.count.isMultiple(of: 2))
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    static func string(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
