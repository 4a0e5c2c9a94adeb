#ifndef CCAIRN_SYSTEM_H
#define CCAIRN_SYSTEM_H

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>

/// Keeps freed memory in the process for reuse (see MemoryTuning.swift for why).
static inline void cairn_keep_freed_memory(void) {
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
}
#else
static inline void cairn_keep_freed_memory(void) {}
#endif

#endif
