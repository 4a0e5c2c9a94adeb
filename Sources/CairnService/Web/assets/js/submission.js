// Cairn submission, format version 1 (docs/FORMATS.md), with WebCrypto and BigInt only.
//
// A contributor's vector of 64-bit ring elements is split into additive shares, one per compute
// party (parties 0 … p−2 get a 16-byte PRG seed, the last party the full difference), and each
// share is encrypted to its party with HPKE (RFC 9180 base mode, DHKEM(P-256, HKDF-SHA256),
// HKDF-SHA256, AES-128-GCM), composed here from WebCrypto's ECDH, HMAC and AES-GCM because
// WebCrypto has no HPKE. The section numbers below are those of docs/FORMATS.md. The plaintext
// never leaves this module except as ciphertexts.

const subtle = globalThis.crypto.subtle;

export const utf8 = (text) => new TextEncoder().encode(text);

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

const u16 = (n) => new Uint8Array([n >> 8, n & 0xff]);
const u32 = (n) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); return b; };
const lp = (bytes) => concat(u32(bytes.length), bytes);

export function base64(bytes) {
  let text = "";
  for (let at = 0; at < bytes.length; at += 0x8000) text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(text);
}

export const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
export const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
export const fromHex = (text) => Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));

/** §1 PRG: the AES-128-CTR keystream of `seed` (counter block 16 zero bytes) as `n` little-endian words. */
export async function prg(seed, n) {
  const key = await subtle.importKey("raw", seed, "AES-CTR", false, ["encrypt"]);
  const stream = await subtle.encrypt({ name: "AES-CTR", counter: new Uint8Array(16), length: 128 }, key, new Uint8Array(8 * n));
  const view = new DataView(stream);
  const words = new Array(n);
  for (let k = 0; k < n; k++) words[k] = view.getBigUint64(8 * k, true);
  return words;
}

/** §3 participant tag: SHA-256(lp("cairn/participant/v1") ‖ lp(study ID) ‖ lp(code)). */
export async function participantTag(studyID, code) {
  const input = concat(lp(utf8("cairn/participant/v1")), lp(utf8(studyID)), lp(utf8(code)));
  return new Uint8Array(await subtle.digest("SHA-256", input));
}

/** §4 context, used as both HPKE info and AEAD associated data. */
export function submissionContext(studyID, tag, submission, parties, party) {
  return concat(lp(utf8("cairn/submission/v1")), lp(utf8(studyID)), tag, u32(submission), new Uint8Array([parties, party]));
}

// §5 HPKE, RFC 9180 §4 (LabeledExtract/LabeledExpand), §4.1 (DHKEM), §5.1 (key schedule),
// §5.2 (Seal), §7.1.3 (P-256 keys), for this one suite.
async function hmac(key, data) {
  // An empty salt is the same HMAC key as 32 zero bytes; WebCrypto refuses empty HMAC keys.
  const k = await subtle.importKey("raw", key.length ? key : new Uint8Array(32), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await subtle.sign("HMAC", k, data));
}
const KEM_SUITE = concat(utf8("KEM"), u16(0x0010));
const HPKE_SUITE = concat(utf8("HPKE"), u16(0x0010), u16(0x0001), u16(0x0001));
const EMPTY = new Uint8Array(0);
const labeledExtract = (salt, label, ikm, suite) => hmac(salt, concat(utf8("HPKE-v1"), suite, utf8(label), ikm));
const labeledExpand = async (prk, label, info, length, suite) =>
  (await hmac(prk, concat(u16(length), utf8("HPKE-v1"), suite, utf8(label), info, new Uint8Array([1])))).slice(0, length);

/** A fresh ephemeral P-256 key pair for one HPKE context. */
export const ephemeralKeyPair = () => subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);

/**
 * RFC 9180 SetupBaseS: `recipientKey` is the party's 65-byte public key, `ephemeral` a key pair
 * from `ephemeralKeyPair()` (fixed only in tests). Returns `enc`, the KEM's shared secret and the
 * AEAD key and base nonce.
 */
export async function hpkeSetupSender(recipientKey, ephemeral, info) {
  const pkR = await subtle.importKey("raw", recipientKey, { name: "ECDH", namedCurve: "P-256" }, false, []);
  const enc = new Uint8Array(await subtle.exportKey("raw", ephemeral.publicKey));
  const dh = new Uint8Array(await subtle.deriveBits({ name: "ECDH", public: pkR }, ephemeral.privateKey, 256));
  const eaePRK = await labeledExtract(EMPTY, "eae_prk", dh, KEM_SUITE);
  const sharedSecret = await labeledExpand(eaePRK, "shared_secret", concat(enc, recipientKey), 32, KEM_SUITE);
  const pskIDHash = await labeledExtract(EMPTY, "psk_id_hash", EMPTY, HPKE_SUITE);
  const infoHash = await labeledExtract(EMPTY, "info_hash", info, HPKE_SUITE);
  const ksContext = concat(new Uint8Array([0]), pskIDHash, infoHash);
  const secret = await labeledExtract(sharedSecret, "secret", EMPTY, HPKE_SUITE);
  const key = await labeledExpand(secret, "key", ksContext, 16, HPKE_SUITE);
  const baseNonce = await labeledExpand(secret, "base_nonce", ksContext, 12, HPKE_SUITE);
  return { enc, sharedSecret, key, baseNonce };
}

/** One HPKE Seal (sequence number 0): `enc` and the ciphertext with its 16-byte tag. */
export async function hpkeSeal(recipientKey, ephemeral, info, aad, plaintext) {
  const { enc, key, baseNonce } = await hpkeSetupSender(recipientKey, ephemeral, info);
  const aes = await subtle.importKey("raw", key, "AES-GCM", false, ["encrypt"]);
  const ciphertext = await subtle.encrypt({ name: "AES-GCM", iv: baseNonce, additionalData: aad, tagLength: 128 }, aes, plaintext);
  return { enc, ciphertext: new Uint8Array(ciphertext) };
}

/** §2 share plaintexts: seeds for parties 0 … p−2, the full difference for party p−1. */
export async function shareSubmission(values, parties, seeds) {
  const n = values.length;
  let last = values.map((x) => BigInt.asUintN(64, x));
  const plaintexts = [];
  for (let i = 0; i < parties - 1; i++) {
    const words = await prg(seeds[i], n);
    last = last.map((y, k) => BigInt.asUintN(64, y - words[k]));
    plaintexts.push(concat(new Uint8Array([1, 1]), u32(n), seeds[i]));
  }
  const full = new Uint8Array(8 * n);
  const view = new DataView(full.buffer);
  last.forEach((y, k) => view.setBigUint64(8 * k, y, true));
  plaintexts.push(concat(new Uint8Array([1, 2]), u32(n), full));
  return plaintexts;
}

/**
 * §1, §2, §5, §6: split `values` (BigInts, any sign: they are taken modulo 2^64), encrypt each
 * share to its party and return the envelope as canonical JSON text. `partyKeys` are the
 * parties' published base64 keys, in party order. `fixed` ({seeds, ephemeral}) is for the
 * worked example of FORMATS.md §9 only; a real submission draws both fresh.
 */
export async function sealSubmission(values, studyID, code, submission, partyKeys, fixed = undefined) {
  const parties = partyKeys.length;
  if (parties !== 2 && parties !== 3) throw new Error(`a study has 2 or 3 compute parties, not ${parties}`);
  const seeds = fixed ? fixed.seeds : Array.from({ length: parties - 1 }, () => crypto.getRandomValues(new Uint8Array(16)));
  const [tag, plaintexts] = await Promise.all([participantTag(studyID, code), shareSubmission(values, parties, seeds)]);
  const shares = await Promise.all(plaintexts.map(async (plaintext, i) => {
    const ephemeral = fixed ? fixed.ephemeral[i] : await ephemeralKeyPair();
    const info = submissionContext(studyID, tag, submission, parties, i);
    const { enc, ciphertext } = await hpkeSeal(fromBase64(partyKeys[i]), ephemeral, info, info, plaintext);
    return { ciphertext: base64(ciphertext), enc: base64(enc), party: i }; // keys in sorted order
  }));
  return JSON.stringify({ shares, study: studyID, submission, version: 1 });
}

/**
 * The receipt's fingerprint of an envelope: the first 16 hexadecimal digits of the SHA-256 of
 * its bytes, in groups of four. The service's default idempotency key is the full digest.
 */
export async function envelopeFingerprint(envelopeText) {
  const digest = hex(new Uint8Array(await subtle.digest("SHA-256", utf8(envelopeText))));
  return digest.slice(0, 16).match(/..../g).join(" ");
}
