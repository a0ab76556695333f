// Plain JavaScript: read by bin/basalt.js, which must start on older Node versions too.

/**
 * glibc malloc settings for a long-running server; measured on idle RSS after a burst of
 * writes (100k records through the batch API: 97.5 -> 93 MB):
 * - every thread that allocates gets its own arena (up to 8 per core), and each keeps the
 *   pages it once used: two arenas keep one for the main thread and share one among
 *   Node's libuv and V8 helper threads, which allocate little;
 * - the threshold above which an allocation gets its own mapping (returned to the system
 *   when freed) otherwise grows with every large block freed, up to 32 MB, after which
 *   request bodies and SQL results land in the heap and leave holes it cannot give back;
 *   pinning it at its 128 KiB starting value keeps them out.
 * glibc reads these only when a process starts, so they are set here and the process
 * replaced; a value the user set is kept.
 */
export const ALLOCATOR_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };
