/**
 * glibc's allocator settings, set from inside the process. glibc gives each
 * thread that meets contention an arena of its own (up to 8 per core), and
 * eyrie runs ~30 threads (Deno's, each Worker's, GStreamer's streaming
 * threads): each arena keeps the memory its thread freed. Setting the arena
 * limit with mallopt() before the Workers start does what MALLOC_ARENA_MAX
 * does in the environment, for a user who runs eyrie without the systemd
 * unit (which sets it); a fixed mmap threshold keeps large buffers out of
 * the arenas.
 *
 * @module
 */

const SYMBOLS = {
  mallopt: { parameters: ["i32", "i32"], result: "i32" },
} as const;

/** mallopt's parameter numbers (glibc's malloc.h). */
const M_MMAP_THRESHOLD = -3;
const M_ARENA_MAX = -8;
/** glibc's own ceiling for M_MMAP_THRESHOLD on 64-bit (HEAP_MAX_SIZE / 2). */
const MAX_MMAP_THRESHOLD = 32 * 2 ** 20;

let libc: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] | undefined;

function symbols(): Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] {
  return libc ??= Deno.dlopen("libc.so.6", SYMBOLS).symbols;
}

/**
 * At most `arenas` malloc arenas from now on (the main arena included);
 * threads beyond share them. Arenas made before the call stay. Throws a
 * RangeError for a count below 1, and an Error when glibc refuses.
 */
export function limitMallocArenas(arenas: number): void {
  if (!Number.isInteger(arenas) || arenas < 1) {
    throw new RangeError(`A malloc arena limit must be a whole number from 1, got ${arenas}`);
  }
  if (symbols().mallopt(M_ARENA_MAX, arenas) !== 1) {
    throw new Error(`mallopt(M_ARENA_MAX, ${arenas}) failed`);
  }
}

/**
 * Allocations of `bytes` and more get pages of their own (mmap) and give
 * them back when freed, from now on. glibc starts at 128 KiB but raises the
 * threshold to the size of each such block freed (up to 32 MiB), after which
 * frame-sized buffers (a 720p I420 frame is 1.38 MB) come from the arenas
 * and leave holes there when freed; a fixed threshold keeps them out. Throws
 * a RangeError outside 4 KiB to 32 MiB, an Error when glibc refuses.
 */
export function fixMmapThreshold(bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 4096 || bytes > MAX_MMAP_THRESHOLD) {
    throw new RangeError(
      `An mmap threshold must be 4096 to ${MAX_MMAP_THRESHOLD} bytes, got ${bytes}`,
    );
  }
  if (symbols().mallopt(M_MMAP_THRESHOLD, bytes) !== 1) {
    throw new Error(`mallopt(M_MMAP_THRESHOLD, ${bytes}) failed`);
  }
}
