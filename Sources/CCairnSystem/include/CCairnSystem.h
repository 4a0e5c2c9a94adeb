#ifndef CCAIRN_SYSTEM_H
#define CCAIRN_SYSTEM_H

/// Returns 1 when the allocator settings of CCairnSystem.c are in force.
int cairn_memory_tuned(void);

#endif
