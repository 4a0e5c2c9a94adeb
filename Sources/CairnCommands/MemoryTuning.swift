import CCairnSystem

/// Process-wide allocator settings for a process that computes on large secret-shared vectors.
///
/// The settings themselves are applied by a constructor in `CCairnSystem` before `main` (see
/// CCairnSystem.c for why); linking this module into the `cairn` executable is what enables them.
enum MemoryTuning {
    /// Whether the allocator keeps freed memory for reuse in this process.
    static var isApplied: Bool { cairn_memory_tuned() == 1 }
}
