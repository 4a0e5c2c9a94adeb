import CairnArithmetic

/// Sorting secret rows by a secret key: shuffle, then a quicksort whose comparisons are revealed.
///
/// Once the rows are in a secret, uniformly random order, the outcomes of comparisons between them
/// say nothing about the data, provided no two rows compare equal: the parties may then open every
/// comparison and move shares around in the clear, as an ordinary comparison sort would (Hamada,
/// Kikuchi, Ikarashi and Chida, "Practically efficient multi-party sorting protocols from
/// comparison sort algorithms", ICISC 2012; used by Araki et al., CCS 2021, and analysed by
/// Asharov et al., CCS 2022).
extension Party {
    /// The rows sorted by `keys`, ascending as signed 64-bit integers, with each `payload` column
    /// carried along with its key. The sort is stable: rows with equal keys keep their input order.
    ///
    /// 1. The key column and the payload columns are shuffled together with a boolean-shared column
    ///    of input positions `0, 1, …, n − 1` (``shuffle(_:)``); the shuffled keys are converted
    ///    once to boolean sharings of their bits (``bitDecomposition(_:)``).
    /// 2. Quicksort, one level at a time: every partition of two or more rows takes its first row as
    ///    pivot; every other row of every partition is compared with its pivot in one vectorised,
    ///    bit-sliced comparison; the comparison bits alone are revealed, and each partition is split
    ///    stably by moving shares in the clear. At the end the arithmetic shares of the keys and the
    ///    payload are gathered once into sorted order.
    ///
    /// Rows are compared by the pair (key, input position), so no two rows are ever equal and equal
    /// keys keep their input order. The comparison is lexicographic on the `64 + w` bits of
    /// (key with its sign bit flipped, position), with `w` the bit width of `n − 1`: flipping the
    /// sign bit turns signed order into unsigned order over the whole Int64 range. For bit planes
    /// `x` (the row's) and `z = x ⊕ y` (row ⊕ pivot), "less at this bit" is `¬x ∧ z` (`x ∧ z` at the
    /// sign bit) and "equal" is `¬z`; a binary tree combines adjacent groups from the most
    /// significant bit down with `G = G_high ⊕ (E_high ∧ G_low)`, `E = E_high ∧ E_low`. Each AND
    /// gate serves 64 comparisons. (Comparing arithmetic differences by their sign bits instead would
    /// need, at every level, the signs of `a − b`, `b − a` and the difference of positions: three
    /// ``mostSignificantBits(_:)`` calls. Converting the keys once costs 13 words per row and makes
    /// each level's comparison a third of that.)
    ///
    /// What is revealed: the number of rows `n` and of payload columns, and nothing else. Every
    /// revealed bit, the number of levels and the public rearrangement are functions of the rank
    /// permutation σ (the rank, under (key, input position), of the row at each shuffled position)
    /// alone, given the fixed pivot rule. Because the pairs are all distinct, σ is the shuffle's
    /// secret permutation composed with a fixed ranking of the input rows, so it is uniformly random
    /// whatever the keys are, duplicates included; no party knows the shuffle (each misses one of its
    /// three factors), so σ is uniform and independent of each party's view. Breaking ties by the
    /// public shuffled position instead would leak: with all keys equal, the bits would follow the
    /// positions deterministically.
    ///
    /// - Cost: `11 + 9L` rounds, where `L` is the number of quicksort levels, the height of a random
    ///   binary search tree (`O(log n)`; about 2.5 log₂ n for n from 2^16 to 2^20, e.g. 49 at
    ///   n = 2^20): 3 for the shuffle, 8 for the bit decomposition, and per level 1 + ⌈log₂(64 + w)⌉
    ///   = 8 for the comparison and 1 for the reveal. Each party sends `2(c + 2)` words per row for
    ///   the shuffle of `c` payload columns, 13 per row for the bit decomposition, and about
    ///   `3(64 + w)/64` words per comparison (247 words per 64 comparisons, reveal included, at
    ///   n = 2^20); a random quicksort makes about `2n ln n − O(n)`, some 1.2 n log₂ n, comparisons.
    /// - Throws: ``MPCError/lengthMismatch(expected:actual:)`` if a payload column's length differs
    ///   from the keys', ``MPCError/invalidArgument(_:)`` beyond 2^32 rows.
    public func sort(
        keys: ArithmeticShared, payload: [ArithmeticShared]
    ) async throws -> (keys: ArithmeticShared, payload: [ArithmeticShared]) {
        let n = keys.count
        for column in payload where column.count != n {
            throw MPCError.lengthMismatch(expected: n, actual: column.count)
        }
        if n < 2 { return (keys, payload) }
        guard n <= 1 << 32 else { throw MPCError.invalidArgument("sort handles at most 2^32 rows") }
        let positions = BooleanShared.public((0..<n).map { UInt64($0) }, party: index)
        let table = try await shuffle(arithmetic: [keys] + payload, boolean: [positions])
        let bits = try await bitDecomposition(table.arithmetic[0])
        let order = try await sortedOrder(keyBits: bits, positions: table.boolean[0])
        return (table.arithmetic[0].gathering(order), table.arithmetic.dropFirst().map { $0.gathering(order) })
    }

    /// One row during the quicksort: the boolean shares of its key and input position, and where the
    /// row sits in the shuffled table.
    private struct SortRow {
        var key: (UInt64, UInt64)
        var position: (UInt64, UInt64)
        var shuffled: Int
    }

    /// The public arrangement that sorts the shuffled rows: row `order[k]` of the shuffled table has
    /// rank `k`.
    ///
    /// Quicksort level by level. The rows' shares are kept in their current arrangement and moved
    /// with every partition, so that each level reads them sequentially. `segments` holds the
    /// partitions of two or more rows still to split; the rows of finished partitions never move.
    private func sortedOrder(keyBits: BooleanShared, positions: BooleanShared) async throws -> [Int] {
        let n = keyBits.count
        let positionBits = max(1, Int.bitWidth - (n - 1).leadingZeroBitCount)
        var rows = (0..<n).map { k in
            SortRow(key: (keyBits.first[k], keyBits.second[k]),
                    position: (positions.first[k], positions.second[k]), shuffled: k)
        }
        var scratch = rows
        var segments: [Range<Int>] = [0..<n]
        while !segments.isEmpty {
            let precedes = try await precedesPivots(rows, segments: segments, positionBits: positionBits)
            var next: [Range<Int>] = []
            next.reserveCapacity(2 * segments.count)
            rows.withUnsafeMutableBufferPointer { rows in
                scratch.withUnsafeMutableBufferPointer { scratch in
                    precedes.withUnsafeBufferPointer { precedes in
                        // Comparison `t` of the level is row `t` of the concatenated non-pivot rows.
                        func bit(_ t: Int) -> Bool { (precedes[t >> 6] >> UInt64(t & 63)) & 1 == 1 }
                        var t = 0
                        for segment in segments {
                            let start = segment.lowerBound, others = segment.count - 1
                            var before = 0
                            for u in t..<(t + others) where bit(u) { before += 1 }
                            // Stable partition: rows before the pivot, the pivot, rows after it.
                            var low = start, high = start + before + 1
                            scratch[start + before] = rows[start]
                            for k in (start + 1)..<segment.upperBound {
                                if bit(t) {
                                    scratch[low] = rows[k]
                                    low += 1
                                } else {
                                    scratch[high] = rows[k]
                                    high += 1
                                }
                                t += 1
                            }
                            for k in segment { rows[k] = scratch[k] }
                            if before >= 2 { next.append(start..<(start + before)) }
                            if others - before >= 2 { next.append((start + before + 1)..<segment.upperBound) }
                        }
                    }
                }
            }
            segments = next
        }
        return rows.map(\.shuffled)
    }

    /// For every non-first row of every segment, whether it precedes the segment's first row under
    /// (key, input position): revealed bits, packed 64 to a word, in the order of the rows.
    ///
    /// Each party transposes its components of 64 comparisons at a time into bit planes, in order
    /// of significance (plane `s`, block `b` at `s · blocks + b`): the key's bits 63…0, then the
    /// position's bits `w − 1`…0. It builds the two operands of the first AND directly: `¬x` (`x` at
    /// the sign plane) from the row's bits and `z` = row ⊕ pivot.
    ///
    /// - Cost: 1 + ⌈log₂(64 + w)⌉ rounds for the comparison and 1 for the reveal; about
    ///   `3(64 + w)/64` words per comparison sent by each party.
    private func precedesPivots(
        _ rows: [SortRow], segments: [Range<Int>], positionBits w: Int
    ) async throws -> [UInt64] {
        let count = segments.reduce(0) { $0 + $1.count - 1 }
        let blocks = (count + 63) / 64
        let planeCount = 64 + w
        // Public complements go into component x_0: party 0's `first`, party 2's `second`.
        let flip = (index == .zero ? UInt64.max : 0, index == .two ? UInt64.max : 0)
        var notX = PlaneShares(uninitializedCount: planeCount * blocks)
        var z = PlaneShares(uninitializedCount: planeCount * blocks)
        rows.withUnsafeBufferPointer { rows in
            notX.withUnsafeMutableBuffers { notX in
                z.withUnsafeMutableBuffers { z in
                    Self.fillPlanes(notX: notX, z: z, rows: rows, segments: segments, count: count, positionBits: w, flip: flip)
                }
            }
        }
        let less = try await lexicographicLess(notX: notX, z: consume z, planes: planeCount, blocks: blocks, flip: flip)
        return try await reveal(less)
    }

    /// Writes the planes of ``precedesPivots(_:segments:positionBits:)``'s comparisons, 64 at a
    /// time, for this party's two components: `¬x` (`x` at the sign plane) and `z`.
    private static func fillPlanes(
        notX: (UnsafeMutableBufferPointer<UInt64>, UnsafeMutableBufferPointer<UInt64>),
        z: (UnsafeMutableBufferPointer<UInt64>, UnsafeMutableBufferPointer<UInt64>),
        rows: UnsafeBufferPointer<SortRow>, segments: [Range<Int>], count: Int, positionBits w: Int,
        flip: (UInt64, UInt64)
    ) {
        let blocks = (count + 63) / 64
        // Six 64-word blocks: for each component, the rows' keys, row ⊕ pivot keys, and the
        // positions (the row's in the low half, row ⊕ pivot in the high half: at most 32 bits each).
        let buffer = UnsafeMutablePointer<UInt64>.allocate(capacity: 6 * 64)
        defer { buffer.deallocate() }
        let key0 = buffer, difference0 = buffer + 64, position0 = buffer + 128
        let key1 = buffer + 192, difference1 = buffer + 256, position1 = buffer + 320
        var segment = 0, row = segments[0].lowerBound + 1
        for b in 0..<blocks {
            for k in 0..<64 {
                guard 64 * b + k < count else {
                    // Padding: zeros compare as "not less", and are never read.
                    for block in stride(from: 0, to: 6 * 64, by: 64) { buffer[block + k] = 0 }
                    continue
                }
                let r = rows[row], pivot = rows[segments[segment].lowerBound]
                key0[k] = r.key.0
                key1[k] = r.key.1
                difference0[k] = r.key.0 ^ pivot.key.0
                difference1[k] = r.key.1 ^ pivot.key.1
                position0[k] = (r.position.0 & 0xFFFF_FFFF) | ((r.position.0 ^ pivot.position.0) << 32)
                position1[k] = (r.position.1 & 0xFFFF_FFFF) | ((r.position.1 ^ pivot.position.1) << 32)
                row += 1
                if row == segments[segment].upperBound, segment + 1 < segments.count {
                    segment += 1
                    row = segments[segment].lowerBound + 1
                }
            }
            for block in stride(from: 0, to: 6 * 64, by: 64) { BitMatrix.transpose(buffer + block) }
            // Plane s = 63 − j holds key bit j; the sign plane (s = 0) is not complemented.
            notX.0[b] = key0[63]
            notX.1[b] = key1[63]
            for j in 0..<63 {
                notX.0[(63 - j) * blocks + b] = key0[j] ^ flip.0
                notX.1[(63 - j) * blocks + b] = key1[j] ^ flip.1
            }
            for j in 0..<64 {
                z.0[(63 - j) * blocks + b] = difference0[j]
                z.1[(63 - j) * blocks + b] = difference1[j]
            }
            // Plane s = 63 + w − j holds position bit j.
            for j in 0..<w {
                notX.0[(63 + w - j) * blocks + b] = position0[j] ^ flip.0
                notX.1[(63 + w - j) * blocks + b] = position1[j] ^ flip.1
                z.0[(63 + w - j) * blocks + b] = position0[32 + j]
                z.1[(63 + w - j) * blocks + b] = position1[32 + j]
            }
        }
    }

    /// Whether the row's bits are below the pivot's, lexicographically from plane 0 down, given
    /// `¬x` (`x` at the sign plane, where order is reversed) and `z = x ⊕ y`: one AND per plane
    /// for "less at this bit", then a binary tree over adjacent groups of planes.
    ///
    /// - Cost: 1 + ⌈log₂ planes⌉ rounds; about `3 · planes` words per 64 comparisons sent by each
    ///   party.
    private func lexicographicLess(
        notX: PlaneShares, z: consuming PlaneShares, planes: Int, blocks: Int, flip: (UInt64, UInt64)
    ) async throws -> BooleanShared {
        // Less at each bit: ¬x ∧ z (x ∧ z at the sign bit). Equal at each bit: ¬z.
        var less = PlaneShares(try await and(notX.shared(index), z.shared(index)))
        var equal = z  // `z` is consumed here: the caller keeps no other reference to its planes.
        equal.first.withUnsafeMutableBufferPointer { e in for k in e.indices { e[k] ^= flip.0 } }
        equal.second.withUnsafeMutableBufferPointer { e in for k in e.indices { e[k] ^= flip.1 } }

        // Groups of adjacent planes, most significant first, each `blocks` words: (less, equal) of
        // the group. The equal bits of the last group, which holds the least significant plane, are
        // never needed.
        var groups = planes
        while groups > 1 {
            let pairs = groups / 2, odd = groups % 2 == 1
            let withEqual = odd ? pairs : pairs - 1
            var left = PlaneShares(uninitializedCount: (pairs + withEqual) * blocks)
            var right = PlaneShares(uninitializedCount: (pairs + withEqual) * blocks)
            for k in 0..<pairs {
                // less_high ⊕ (equal_high ∧ less_low)
                left.copy(group: 2 * k, of: equal, to: k, blocks: blocks)
                right.copy(group: 2 * k + 1, of: less, to: k, blocks: blocks)
            }
            for k in 0..<withEqual {
                // equal_high ∧ equal_low
                left.copy(group: 2 * k, of: equal, to: pairs + k, blocks: blocks)
                right.copy(group: 2 * k + 1, of: equal, to: pairs + k, blocks: blocks)
            }
            let products = PlaneShares(try await and(left.shared(index), right.shared(index)))
            let nextGroups = pairs + (odd ? 1 : 0)
            var nextLess = PlaneShares(uninitializedCount: nextGroups * blocks)
            var nextEqual = PlaneShares(uninitializedCount: max(withEqual, 1) * blocks)
            for k in 0..<pairs { nextLess.combine(group: 2 * k, of: less, with: k, of: products, to: k, blocks: blocks) }
            for k in 0..<withEqual { nextEqual.copy(group: pairs + k, of: products, to: k, blocks: blocks) }
            if odd { nextLess.copy(group: groups - 1, of: less, to: pairs, blocks: blocks) }
            less = nextLess
            equal = nextEqual
            groups = nextGroups
        }
        return less.shared(index)
    }
}

/// One party's two components of bit planes stored group after group, `blocks` words per group.
private struct PlaneShares {
    var first: [UInt64]
    var second: [UInt64]

    init(uninitializedCount count: Int) {
        first = [UInt64](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        second = [UInt64](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    init(_ shared: BooleanShared) {
        first = shared.first
        second = shared.second
    }

    /// Calls `body` with mutable buffers over both components.
    mutating func withUnsafeMutableBuffers<Result>(
        _ body: ((UnsafeMutableBufferPointer<UInt64>, UnsafeMutableBufferPointer<UInt64>)) -> Result
    ) -> Result {
        first.withUnsafeMutableBufferPointer { first in
            second.withUnsafeMutableBufferPointer { second in body((first, second)) }
        }
    }

    func shared(_ party: PartyIndex) -> BooleanShared { BooleanShared(party: party, first: first, second: second) }

    /// Copies group `group` of `source` into group `slot`.
    mutating func copy(group: Int, of source: PlaneShares, to slot: Int, blocks: Int) {
        Self.update(&first, at: slot * blocks, from: source.first, at: group * blocks, count: blocks)
        Self.update(&second, at: slot * blocks, from: source.second, at: group * blocks, count: blocks)
    }

    /// Group `slot` becomes group `group` of `a` XOR group `other` of `b`.
    mutating func combine(group: Int, of a: PlaneShares, with other: Int, of b: PlaneShares, to slot: Int, blocks: Int) {
        Self.xor(&first, at: slot * blocks, a.first, at: group * blocks, b.first, at: other * blocks, count: blocks)
        Self.xor(&second, at: slot * blocks, a.second, at: group * blocks, b.second, at: other * blocks, count: blocks)
    }

    private static func xor(
        _ target: inout [UInt64], at offset: Int, _ x: [UInt64], at xStart: Int, _ y: [UInt64], at yStart: Int, count: Int
    ) {
        target.withUnsafeMutableBufferPointer { target in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    for i in 0..<count { target[offset + i] = x[xStart + i] ^ y[yStart + i] }
                }
            }
        }
    }

    private static func update(_ target: inout [UInt64], at offset: Int, from source: [UInt64], at start: Int, count: Int) {
        target.withUnsafeMutableBufferPointer { target in
            source.withUnsafeBufferPointer { source in
                (target.baseAddress! + offset).update(from: source.baseAddress! + start, count: count)
            }
        }
    }
}
