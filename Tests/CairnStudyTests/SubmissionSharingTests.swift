import Testing

@testable import CairnStudy

@Suite("Submission: additive sharing with seed compression")
struct SubmissionSharingTests {
    static let edgeValues: [UInt64] = [0, 1, 2, UInt64.max, UInt64.max - 1, 1 << 63, (1 << 63) - 1, 0x0123_4567_89ab_cdef]

    /// PRG known answer: seed 00 01 … 0f, 5 words. Computed once with swift-crypto's AES._CTR and
    /// checked against an independent AES-CTR implementation; listed in `docs/FORMATS.md`.
    static let prgSeed: [UInt8] = Array(0...15)
    static let prgKeystream = "c6a13b37878f5b826f4f8162a1c8d8797346139595c0b41e497bbde365f42d0a49d68753999ba68c"
    static let prgWords: [UInt64] = [
        0x825b_8f87_373b_a1c6, 0x79d8_c8a1_6281_4f6f, 0x1eb4_c095_9513_4673, 0x0a2d_f465_e3bd_7b49, 0x8ca6_9b99_5387_d649,
    ]

    @Test("PRG expansion of a fixed seed is pinned")
    func prgKnownAnswer() {
        #expect(SubmissionShares.expand(seed: Self.prgSeed, count: 5) == Self.prgWords)
        // Each word is 8 keystream bytes read little-endian.
        let bytes = Self.prgWords.flatMap { SubmissionWire.littleEndian($0) }
        #expect(SubmissionWire.hex(bytes) == Self.prgKeystream)
        // A prefix of the expansion is the expansion of the shorter length.
        #expect(SubmissionShares.expand(seed: Self.prgSeed, count: 2) == Array(Self.prgWords.prefix(2)))
        #expect(SubmissionShares.expand(seed: Self.prgSeed, count: 0) == [])
    }

    @Test("a long expansion agrees with the same stream computed block by block")
    func prgLongExpansion() {
        // 600 words cross counter value 0xff → 0x100 (block 256), where a counter of the wrong width
        // or byte order would first show.
        let long = SubmissionShares.expand(seed: Self.prgSeed, count: 600)
        #expect(long.count == 600)
        #expect(Array(long.prefix(5)) == Self.prgWords)
        #expect(Set(long).count == 600)
    }

    @Test("shares sum to the values, wrapping, for 2 and 3 parties", arguments: [2, 3])
    func sharesSum(parties: Int) {
        for values in [Self.edgeValues, [], [42], (0..<1000).map { UInt64($0) &* 0x9e37_79b9_7f4a_7c15 }] {
            let shares = SubmissionShares.split(values, parties: parties)
            #expect(shares.count == parties)
            #expect(SubmissionShares.combine(shares) == values)
            for (party, share) in shares.enumerated() {
                #expect(share.count == values.count)
                if party == parties - 1 {
                    guard case .full = share else { Issue.record("the last party's share is not full"); continue }
                } else {
                    guard case let .seed(seed, _) = share else { Issue.record("party \(party)'s share is not a seed"); continue }
                    #expect(seed.count == SubmissionShares.seedByteCount)
                }
            }
        }
    }

    @Test("deterministic split: last share is the values minus the seeds' expansions")
    func deterministicSplit() {
        let seedB = [UInt8](repeating: 0xab, count: 16)
        let shares = SubmissionShares.split(Self.edgeValues, seeds: [Self.prgSeed, seedB])
        let a = SubmissionShares.expand(seed: Self.prgSeed, count: Self.edgeValues.count)
        let b = SubmissionShares.expand(seed: seedB, count: Self.edgeValues.count)
        #expect(shares[2] == .full(Self.edgeValues.indices.map { Self.edgeValues[$0] &- a[$0] &- b[$0] }))
        #expect(SubmissionShares.combine(shares) == Self.edgeValues)
    }

    @Test("two submissions of the same values get different shares", arguments: [2, 3])
    func freshRandomness(parties: Int) {
        let values: [UInt64] = [5, 5, 5, 5]
        let first = SubmissionShares.split(values, parties: parties)
        let second = SubmissionShares.split(values, parties: parties)
        for party in 0..<parties {
            #expect(first[party] != second[party], "party \(party)")
        }
        // Even an empty vector gets fresh seeds.
        #expect(SubmissionShares.split([], parties: parties)[0] != SubmissionShares.split([], parties: parties)[0])
    }

    @Test("share plaintexts: exact bytes, and they parse back")
    func plaintextFormat() throws {
        let seed = ShareBody.seed(Self.prgSeed, count: 3)
        #expect(SubmissionWire.hex(seed.plaintext) == "010100000003" + "000102030405060708090a0b0c0d0e0f")
        let full = ShareBody.full([1, UInt64.max])
        #expect(SubmissionWire.hex(full.plaintext) == "010200000002" + "0100000000000000" + "ffffffffffffffff")
        let empty = ShareBody.full([])
        #expect(SubmissionWire.hex(empty.plaintext) == "010200000000")
        for body in [seed, full, empty, .seed(Self.prgSeed, count: 0), .full(Self.edgeValues)] {
            #expect(try ShareBody(plaintext: body.plaintext) == body)
        }
    }

    @Test("malformed share plaintexts are refused with a reason")
    func malformedPlaintexts() {
        let cases: [([UInt8], ShareBody.PlaintextProblem)] = [
            ([], .tooShort),
            ([1, 1, 0, 0], .tooShort),
            ([2, 1, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 16), .unsupportedVersion(2)),
            ([1, 3, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 8), .unknownKind(3)),
            ([1, 1, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 15), .wrongLength(kind: "seed", count: 1, byteCount: 21)),
            ([1, 2, 0, 0, 0, 2] + [UInt8](repeating: 0, count: 8), .wrongLength(kind: "full", count: 2, byteCount: 14)),
            ([1, 2, 0xff, 0xff, 0xff, 0xff], .tooLong(count: Int(UInt32.max))),
        ]
        for (bytes, problem) in cases {
            #expect(throws: problem) { try ShareBody(plaintext: bytes) }
        }
    }

    @Test("share descriptions never show seeds or values")
    func redactedDescriptions() {
        let seed = ShareBody.seed(Self.prgSeed, count: 2)
        let full = ShareBody.full([123_456_789, 987_654_321])
        #expect(seed.description == "seed share of 2 values")
        #expect(full.description == "full share of 2 values")
        #expect(!String(reflecting: full).contains("123456789"))
        #expect(!"\(seed)".contains("15"))
    }
}
