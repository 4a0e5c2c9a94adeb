import Testing
@testable import CairnNetwork

@Suite("Party identities")
struct IdentityTests {
    @Test("a generated identity has a certificate, a key and a stable fingerprint")
    func generate() throws {
        let identity = try PartyIdentity.generate(name: "Cairn party 2 (test)")
        #expect(identity.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(identity.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let fingerprint = try PartyIdentity.fingerprint(ofCertificatePEM: identity.certificatePEM)
        #expect(fingerprint.count == 32 * 3 - 1)
        #expect(fingerprint == (try PartyIdentity.fingerprint(ofCertificatePEM: identity.certificatePEM)))
        #expect(try PartyIdentity.name(ofCertificatePEM: identity.certificatePEM).contains("Cairn party 2 (test)"))
    }

    @Test("two identities differ")
    func distinct() throws {
        let a = try PartyIdentity.generate(name: "a"), b = try PartyIdentity.generate(name: "a")
        #expect(try PartyIdentity.fingerprint(ofCertificatePEM: a.certificatePEM) != PartyIdentity.fingerprint(ofCertificatePEM: b.certificatePEM))
    }

    @Test("a private key is not a certificate")
    func keyIsNotCertificate() throws {
        let identity = try PartyIdentity.generate(name: "a")
        #expect(throws: IdentityError.notACertificate(found: "PRIVATE KEY")) {
            try PartyIdentity.fingerprint(ofCertificatePEM: identity.privateKeyPEM)
        }
    }
}
