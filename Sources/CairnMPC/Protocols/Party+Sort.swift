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
    /// 1. The key column, the payload columns and a column of input positions `0, 1, …, n − 1` are
    ///    shuffled together (``shuffle(_:)``), and the sign bit of every key is computed once.
    /// 2. Quicksort, one level at a time: every partition of two or more rows takes its first row as
    ///    pivot, every other row of every partition is compared with its pivot in one vectorised
    ///    comparison, the comparison bits alone are revealed, and each partition is split (stably)
    ///    by moving indices in the clear. At the end the shares are gathered once into sorted order.
    ///
    /// Rows are ordered by the pair (key, input position), so no two rows are ever equal and the sort
    /// is stable. For keys `a` (the row's) and `b` (the pivot's), with `d = a − b`,
    /// `a < b ⇔ d₆₃ ⊕ ((a₆₃ ⊕ b₆₃) ∧ (a₆₃ ⊕ d₆₃))`, exact over the whole Int64 range: with equal
    /// signs `d` cannot overflow, with different signs the negative one is smaller. With `b < a`
    /// computed likewise from `−d`, and `t` = [the row's input position is before the pivot's] read
    /// off the sign of the difference of positions, the row precedes the pivot if and only if
    /// `t ? ¬(b < a) : (a < b)`. Each level therefore costs one ``mostSignificantBits(_:)`` call on
    /// the three differences of every compared pair, two packed ANDs and one reveal of packed bits.
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
    /// - Cost: about `11 + 11·L` rounds, where `L` is the depth of a random quicksort (`O(log n)`,
    ///   about 3 log₂ n for large `n`): 3 for the shuffle, 8 for the sign bits, and 11 per level (8
    ///   for the sign bits of the differences, 2 ANDs, 1 reveal). Each party sends `2(c + 2)` words
    ///   per row for the shuffle of `c` payload columns, 3.9 per row for the sign bits, and about
    ///   11.6 words per comparison (3 × 247 / 64 for the sign bits, 4/64 for the ANDs and the
    ///   reveal); a random quicksort makes about `2n ln n ≈ 1.39 n log₂ n` comparisons, spread over
    ///   the levels.
    /// - Throws: ``MPCError/lengthMismatch(expected:actual:)`` if a payload column's length differs
    ///   from the keys'.
    public func sort(
        keys: ArithmeticShared, payload: [ArithmeticShared]
    ) async throws -> (keys: ArithmeticShared, payload: [ArithmeticShared]) {
        let n = keys.count
        for column in payload where column.count != n {
            throw MPCError.lengthMismatch(expected: n, actual: column.count)
        }
        if n < 2 { return (keys, payload) }
        let positions = ArithmeticShared.public((0..<n).map { UInt64($0) }, party: index)
        let table = try await shuffle([keys] + payload + [positions])
        let shuffledKeys = table[0], shuffledPositions = table[table.count - 1]
        let signs = try await mostSignificantBits(shuffledKeys)
        let order = try await sortedOrder(keys: shuffledKeys, signs: signs, positions: shuffledPositions)
        return (shuffledKeys.gathering(order), table[1..<(table.count - 1)].map { $0.gathering(order) })
    }

    /// The public arrangement that sorts the shuffled rows: row `order[k]` has rank `k`.
    ///
    /// Quicksort level by level over a public index array. `segments` holds the partitions of two or
    /// more rows still to split; the rows of finished partitions never move again.
    private func sortedOrder(
        keys: ArithmeticShared, signs: SharedBits, positions: ArithmeticShared
    ) async throws -> [Int] {
        let n = keys.count
        var order = Array(0..<n)
        var scratch = [Int](repeating: 0, count: n)
        var segments: [Range<Int>] = [0..<n]
        var compared: [Int] = [], pivots: [Int] = []
        while !segments.isEmpty {
            // Every row of every partition except the first, against the partition's first row.
            compared.removeAll(keepingCapacity: true)
            pivots.removeAll(keepingCapacity: true)
            for segment in segments {
                let pivot = order[segment.lowerBound]
                for k in (segment.lowerBound + 1)..<segment.upperBound {
                    compared.append(order[k])
                    pivots.append(pivot)
                }
            }
            let precedes = try await precedesPivot(
                compared, pivots, keys: keys, signs: signs, positions: positions)

            // Stable partition of each segment: rows before the pivot, the pivot, rows after it.
            var next: [Range<Int>] = []
            next.reserveCapacity(2 * segments.count)
            order.withUnsafeMutableBufferPointer { order in
                scratch.withUnsafeMutableBufferPointer { scratch in
                    precedes.withUnsafeBufferPointer { precedes in
                        var bit = 0
                        for segment in segments {
                            let start = segment.lowerBound, others = segment.count - 1
                            var before = 0
                            for t in bit..<(bit + others) { before += Int((precedes[t >> 6] >> UInt64(t & 63)) & 1) }
                            var low = start, high = start + before + 1
                            scratch[start + before] = order[start]
                            for t in 0..<others {
                                let row = order[start + 1 + t]
                                if (precedes[(bit + t) >> 6] >> UInt64((bit + t) & 63)) & 1 == 1 {
                                    scratch[low] = row
                                    low += 1
                                } else {
                                    scratch[high] = row
                                    high += 1
                                }
                            }
                            for k in segment { order[k] = scratch[k] }
                            bit += others
                            if before >= 2 { next.append(start..<(start + before)) }
                            if others - before >= 2 { next.append((start + before + 1)..<segment.upperBound) }
                        }
                    }
                }
            }
            segments = next
        }
        return order
    }

    /// Whether row `rows[k]` precedes row `pivots[k]` under (key, input position), for every `k`:
    /// revealed bits, packed 64 to a word.
    ///
    /// - Cost: 11 rounds; about 11.6 words per compared pair sent by each party.
    private func precedesPivot(
        _ rows: [Int], _ pivots: [Int], keys: ArithmeticShared, signs: SharedBits, positions: ArithmeticShared
    ) async throws -> [UInt64] {
        let count = rows.count
        let words = (count + 63) / 64
        // Each block of differences padded to whole words, so that its sign bits are whole words.
        let stride = 64 * words
        func differences(_ keys: [UInt64], _ positions: [UInt64]) -> [UInt64] {
            var out = [UInt64](repeating: 0, count: 3 * stride)
            out.withUnsafeMutableBufferPointer { out in
                keys.withUnsafeBufferPointer { keys in
                    positions.withUnsafeBufferPointer { positions in
                        rows.withUnsafeBufferPointer { rows in
                            pivots.withUnsafeBufferPointer { pivots in
                                for k in 0..<count {
                                    let row = rows[k], pivot = pivots[k]
                                    let difference = keys[row] &- keys[pivot]
                                    out[k] = difference
                                    out[stride + k] = 0 &- difference
                                    out[2 * stride + k] = positions[row] &- positions[pivot]
                                }
                            }
                        }
                    }
                }
            }
            return out
        }
        let signsOfDifferences = try await mostSignificantBits(ArithmeticShared(
            party: index,
            first: differences(keys.first, positions.first),
            second: differences(keys.second, positions.second))).words
        func block(_ b: Int) -> SharedBits {
            SharedBits(words: signsOfDifferences[(b * words)..<((b + 1) * words)], count: count)
        }
        let below = block(0)  // sign of a − b
        let above = block(1)  // sign of b − a
        let earlier = block(2)  // the row's input position is before the pivot's
        let a = gatherBits(signs, rows), b = gatherBits(signs, pivots)
        let differentSigns = a ^ b
        let corrections = try await and(
            SharedBits(words: .concatenating([differentSigns.words, differentSigns.words]), count: 2 * stride),
            SharedBits(words: .concatenating([(a ^ below).words, (b ^ above).words]), count: 2 * stride))
        let less = below ^ SharedBits(words: corrections.words[0..<words], count: count)  // a < b
        let greater = above ^ SharedBits(words: corrections.words[words..<(2 * words)], count: count)  // b < a
        let tieBreak = try await and(earlier, ~greater ^ less)
        return try await reveal((less ^ tieBreak).words)
    }

    /// The packed bits at `indices`, in that order (a public rearrangement of packed bits).
    private func gatherBits(_ bits: SharedBits, _ indices: [Int]) -> SharedBits {
        func gather(_ source: [UInt64]) -> [UInt64] {
            var out = [UInt64](repeating: 0, count: (indices.count + 63) / 64)
            out.withUnsafeMutableBufferPointer { out in
                source.withUnsafeBufferPointer { source in
                    indices.withUnsafeBufferPointer { indices in
                        for k in 0..<indices.count {
                            let i = indices[k]
                            out[k >> 6] |= ((source[i >> 6] >> UInt64(i & 63)) & 1) << UInt64(k & 63)
                        }
                    }
                }
            }
            return out
        }
        return SharedBits(
            words: BooleanShared(party: index, first: gather(bits.words.first), second: gather(bits.words.second)),
            count: indices.count)
    }
}
