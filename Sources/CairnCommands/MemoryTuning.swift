import CCairnSystem

/// Process-wide allocator settings for a process that computes on large secret-shared vectors.
enum MemoryTuning {
    /// Keeps freed memory in the process for reuse.
    ///
    /// Every protocol round allocates vectors of the input's size and frees the previous round's.
    /// By default glibc serves large blocks with fresh `mmap`s and returns freed ones to the kernel,
    /// so each round pays a page fault and a zeroed page per 4 KiB: profiles of `cairn bench mpc`
    /// showed that cost above the cryptography itself. One arena, no `mmap` for blocks and no
    /// trimming make freed vectors immediately reusable. Elsewhere than glibc this does nothing.
    static func applyForLargeVectors() {
        cairn_keep_freed_memory()
    }
}
