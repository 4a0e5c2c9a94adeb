"""The page's sharing and HPKE code (assets/js/submission.js) in headless Chromium: RFC 9180's
test vectors, the worked example of docs/FORMATS.md §9 byte for byte (the bytes the Swift
implementation makes, pinned by Tests/CairnStudyTests/SubmissionExampleTests.swift), and the
properties of fresh submissions. That page-made ciphertexts open in Swift is checked end to end in
test_study_end_to_end.py, where the compute parties decrypt what browsers sent."""

import base64
import hashlib
import json
import random

import pytest

from conftest import run_module

MODULE = "/assets/js/submission.js"
MASK = (1 << 64) - 1


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwk(private_hex: str, public_hex: str) -> dict:
    public = bytes.fromhex(public_hex)
    assert public[0] == 4 and len(public) == 65
    return {"kty": "EC", "crv": "P-256", "d": b64url(bytes.fromhex(private_hex)),
            "x": b64url(public[1:33]), "y": b64url(public[33:]), "ext": True}


# JavaScript: an ECDH key pair from a private JWK, as `generateKey` would give it.
IMPORT_PAIR = """
    const importPair = async (key) => ({
      privateKey: await crypto.subtle.importKey("jwk", key, { name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]),
      publicKey: await crypto.subtle.importKey("jwk", { kty: key.kty, crv: key.crv, x: key.x, y: key.y },
                                               { name: "ECDH", namedCurve: "P-256" }, true, []),
    });
"""


@pytest.fixture
def page(service, browser):
    browser.get(service.url + "/")
    return browser


def test_rfc9180_vectors(page):
    # RFC 9180 Appendix A.3.1: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode.
    vector = {
        "skEm": "4995788ef4b9d6132b249ce59a77281493eb39af373d236a1fe415cb0c2d7beb",
        "pkEm": "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325ac98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4",
        "pkRm": "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0",
        "info": "4f6465206f6e2061204772656369616e2055726e",
        "pt": "4265617574792069732074727574682c20747275746820626561757479",
        "aad": "436f756e742d30",
    }
    value = run_module(page, MODULE, IMPORT_PAIR + """
        const [v, key] = args;
        const ephemeral = await importPair(key);
        const setup = await m.hpkeSetupSender(m.fromHex(v.pkRm), ephemeral, m.fromHex(v.info));
        const sealed = await m.hpkeSeal(m.fromHex(v.pkRm), ephemeral, m.fromHex(v.info), m.fromHex(v.aad), m.fromHex(v.pt));
        return { enc: m.hex(setup.enc), sharedSecret: m.hex(setup.sharedSecret), key: m.hex(setup.key),
                 baseNonce: m.hex(setup.baseNonce), ct: m.hex(sealed.ciphertext) };
    """, vector, jwk(vector["skEm"], vector["pkEm"]))
    assert value["enc"] == vector["pkEm"]
    assert value["sharedSecret"] == "c0d26aeab536609a572b07695d933b589dcf363ff9d93c93adea537aeabb8cb8"
    assert value["key"] == "868c066ef58aae6dc589b6cfdd18f97e"
    assert value["baseNonce"] == "4e0bc5018beba4bf004cca59"
    assert value["ct"] == "5ad590bb8baa577f8619db35a36311226a896e7342a6d836d8b7bcd2f20b6c7f9076ac232e3ab2523f39513434"


def test_prg_known_answer(page):
    words = run_module(page, MODULE, """
        return (await m.prg(m.fromHex("000102030405060708090a0b0c0d0e0f"), 5)).map(String);
    """)
    assert words == ["9393259258721313222", "8779988069026713455", "2212605065629484659",
                     "733511032780979017", "10134959094277592649"]


# docs/FORMATS.md §9: every input fixed, so the envelope is known byte for byte.
WORKED_EXAMPLE_ENVELOPE = (
    '{"shares":[{"ciphertext":"ad3g90QvrHF+OuJF4EPm0Dv36QfsgnfyDd61vCj4Nlpuyma8o6I=","enc":"BGRgd3F2cgXp3j3xKcL43XtQ9pWXVzWMofHbeOLJUk7ISfmP/HKGze7iTwZ8ipnkH0+PqpktgNOYbUPZyTSns7c=","party":0},'
    '{"ciphertext":"K+dVi2GkuFEv17UCIYic/sFqJP0BuYPVTAFgIRxtxup+H5iZGv0=","enc":"BBSjSmqzID/i9QTOoqfPU3IDrro2462msdmp0+H5IsRgGq6AbaX3krzjyAxJ0cy4O0hBqexv819ok9yWpcDJanU=","party":1},'
    '{"ciphertext":"ah4v/bI8pU/mlYY9PkvfpwLm/Ev6hYegnAwIqXKQTK92Dr+0+Xtfo7X/GYdXAg==","enc":"BIsHsHSNsTk3HQmDDbq5DgnpRQMJU8qZYMVewWwHMFyjmHFNvnwzkdilyaPS13p2KURugqCAU5ubRp+Asg/bVkI=","party":2}],'
    '"study":"example-study","submission":1,"version":1}')
PARTY_KEYS = [
    "BGgk6MZ6GLUZ77L2R6v07Gb0EJNWTsbU0sBXXDKaQmn93a47JgjRVlYesk45O6otGJA5Wmwgig8SFwZh+EwA/IA=",
    "BFAhQ2lMS9z8t4J1lDcAZeYPRdHHd1/7ha4KXaJPMC5C6uQJsPMddHI7MYfMDtaAHAbk+PPdzcteJEWRvE0vHIg=",
    "BGGyOUY45BHW9NK6ZPdQx5EzhP+VKpAd8Bywt2Qec5v00mYYT4C69duK7mHENcCwObWY1aCjhKGaMEmliKvktnc=",
]


def worked_example_ephemeral_keys() -> list:
    """The worked example's fixed ephemeral keys (SHA-256 of their labels), as JWKs."""
    keys = []
    for i in range(3):
        private = hashlib.sha256(f"cairn example ephemeral {i + 1}".encode()).hexdigest()
        enc = base64.b64decode(json.loads(WORKED_EXAMPLE_ENVELOPE)["shares"][i]["enc"]).hex()
        keys.append(jwk(private, enc))
    return keys


# JavaScript (with submission.js as `m`): the worked example's envelope from its fixed inputs.
SEAL_WORKED_EXAMPLE = IMPORT_PAIR + """
    const [keys, ephemeralKeys] = args;
    const fixed = {
      seeds: [m.fromHex("000102030405060708090a0b0c0d0e0f"), m.fromHex("101112131415161718191a1b1c1d1e1f")],
      ephemeral: await Promise.all(ephemeralKeys.map(importPair)),
    };
    return m.sealSubmission([7n, 0n, -1n], "example-study", "example-code", 1, keys, fixed);
"""


def test_worked_example_byte_for_byte(page):
    envelope = run_module(page, MODULE, SEAL_WORKED_EXAMPLE, PARTY_KEYS, worked_example_ephemeral_keys())
    assert envelope == WORKED_EXAMPLE_ENVELOPE
    tag = run_module(page, MODULE, 'return m.hex(await m.participantTag("example-study", "example-code"));')
    assert tag == "4197ec0e39fac67a4f972c7d0a660055929f29aca06ac6279e83e132e35c5a1f"


@pytest.mark.parametrize("parties", [2, 3])
def test_shares_add_up_to_the_values(page, parties):
    """Seeded random vectors and the ring's edges: the page's shares (PRG expansions of the seeds
    plus the full share) add up to the values modulo 2^64, and two submissions of the same values
    share nothing."""
    generator = random.Random(20261121 + parties)
    edges = [0, 1, -1, 2**63 - 1, -(2**63), 2**64 - 1, 10**12, -(10**12)]
    values = edges + [generator.randrange(-(2**63), 2**64) for _ in range(200)]
    result = run_module(page, MODULE, """
        const [values, parties] = args;
        const seedsFor = () => Array.from({ length: parties - 1 }, () => crypto.getRandomValues(new Uint8Array(16)));
        const decode = async (plaintexts) => {
          const n = values.length;
          const sum = new Array(n).fill(0n);
          for (const plaintext of plaintexts) {
            const view = new DataView(plaintext.buffer);
            if (view.getUint32(2) !== n || plaintext[0] !== 1) throw new Error("bad header");
            const words = plaintext[1] === 1 ? await m.prg(plaintext.slice(6), n)
              : Array.from({ length: n }, (_, k) => view.getBigUint64(6 + 8 * k, true));
            words.forEach((w, k) => { sum[k] = BigInt.asUintN(64, sum[k] + w); });
          }
          return sum.map(String);
        };
        const big = values.map(BigInt);
        const first = await m.shareSubmission(big, parties, seedsFor());
        const second = await m.shareSubmission(big, parties, seedsFor());
        return { sum: await decode(first), kinds: first.map((p) => p[1]), lengths: first.map((p) => p.length),
                 same: m.hex(first[parties - 1]) === m.hex(second[parties - 1]) };
    """, [str(v) for v in values], parties)
    assert result["sum"] == [str(v & MASK) for v in values]
    assert result["kinds"] == [1] * (parties - 1) + [2]
    assert result["lengths"] == [22] * (parties - 1) + [6 + 8 * len(values)]
    assert not result["same"]


def test_empty_vector_and_envelope_shape(page):
    envelope = json.loads(run_module(page, MODULE, """
        return m.sealSubmission([], "s", "code", 4294967295, args[0]);
    """, PARTY_KEYS))
    assert envelope["submission"] == 4294967295 and envelope["study"] == "s" and envelope["version"] == 1
    assert [share["party"] for share in envelope["shares"]] == [0, 1, 2]
    for share in envelope["shares"]:
        assert len(base64.b64decode(share["enc"])) == 65
    # Plaintext lengths 22, 22 and 6 (an empty full vector), each plus the 16-byte tag.
    assert [len(base64.b64decode(s["ciphertext"])) for s in envelope["shares"]] == [38, 38, 22]
