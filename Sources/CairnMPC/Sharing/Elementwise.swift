/// Tight loops over word vectors, written once so that every protocol's local step is one call.
///
/// They read through unsafe buffers and write into uninitialized storage: no bounds checks, no
/// copy-on-write checks and no per-element allocation in the hot loops.
@usableFromInline
enum Elementwise {
    @inlinable @inline(__always)
    static func map(_ a: [UInt64], _ transform: (UInt64) -> UInt64) -> [UInt64] {
        [UInt64](unsafeUninitializedCapacity: a.count) { out, initialized in
            a.withUnsafeBufferPointer { a in
                for i in 0..<a.count { out[i] = transform(a[i]) }
            }
            initialized = a.count
        }
    }

    @inlinable @inline(__always)
    static func map(
        _ a: [UInt64], _ b: [UInt64], _ transform: (UInt64, UInt64) -> UInt64
    ) -> [UInt64] {
        precondition(a.count == b.count, "element-wise operands must have equal lengths")
        return [UInt64](unsafeUninitializedCapacity: a.count) { out, initialized in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    for i in 0..<a.count { out[i] = transform(a[i], b[i]) }
                }
            }
            initialized = a.count
        }
    }

    @inlinable @inline(__always)
    static func map(
        _ a: [UInt64], _ b: [UInt64], _ c: [UInt64], _ d: [UInt64],
        _ transform: (UInt64, UInt64, UInt64, UInt64) -> UInt64
    ) -> [UInt64] {
        precondition(a.count == b.count && b.count == c.count && c.count == d.count)
        return [UInt64](unsafeUninitializedCapacity: a.count) { out, initialized in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeBufferPointer { c in
                        d.withUnsafeBufferPointer { d in
                            for i in 0..<a.count { out[i] = transform(a[i], b[i], c[i], d[i]) }
                        }
                    }
                }
            }
            initialized = a.count
        }
    }

    @inlinable @inline(__always)
    static func map(
        _ a: [UInt64], _ b: [UInt64], _ c: [UInt64], _ transform: (UInt64, UInt64, UInt64) -> UInt64
    ) -> [UInt64] {
        precondition(a.count == b.count && b.count == c.count)
        return [UInt64](unsafeUninitializedCapacity: a.count) { out, initialized in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeBufferPointer { c in
                        for i in 0..<a.count { out[i] = transform(a[i], b[i], c[i]) }
                    }
                }
            }
            initialized = a.count
        }
    }

    /// `output[k] = input[indices[k]]`.
    @inlinable
    static func gather(_ input: [UInt64], _ indices: [Int]) -> [UInt64] {
        [UInt64](unsafeUninitializedCapacity: indices.count) { out, initialized in
            input.withUnsafeBufferPointer { input in
                indices.withUnsafeBufferPointer { indices in
                    for k in 0..<indices.count { out[k] = input[indices[k]] }
                }
            }
            initialized = indices.count
        }
    }
}
