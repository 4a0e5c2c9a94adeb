#include "CCairnSystem.h"

#if defined(__linux__)
#include <malloc.h>  // defines __GLIBC__ on glibc systems; test it only after this include
#endif

#if defined(__GLIBC__)
static int tuned = 0;

/// Keeps freed memory in the process for reuse, before any thread has an arena of its own.
///
/// Secret-shared vectors are allocated and freed every protocol round. glibc's defaults serve large
/// blocks with fresh mmaps, give per-thread arenas their own heaps, and return freed memory to
/// the kernel, so each round paid a page fault and a zeroed page per 4 KiB: profiles of
/// `cairn bench mpc` showed that above the cryptography. This runs as a constructor because arena
/// settings only affect threads that have not allocated yet, and the Swift runtime starts its
/// threads before `main`.
__attribute__((constructor)) static void cairn_keep_freed_memory(void) {
    tuned = mallopt(M_ARENA_MAX, 1) && mallopt(M_MMAP_MAX, 0) && mallopt(M_TRIM_THRESHOLD, 0x7fffffff)
        && mallopt(M_TOP_PAD, 64 << 20);
}

int cairn_memory_tuned(void) { return tuned; }
#else
int cairn_memory_tuned(void) { return 0; }
#endif
