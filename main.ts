/**
 * eyrie: a camera streaming runtime for Raspberry Pi and Linux boxes.
 * `deno task eyrie --help`, or the compiled `eyrie --help`.
 *
 * @module
 */
import { main } from "./ui/cli/main.ts";
import { fixMmapThreshold, limitMallocArenas } from "./ffi/libc/malloc.ts";

/**
 * Two malloc arenas instead of one per busy thread (eyrie runs ~30): 27 MB
 * less RSS for one camera (bench/README.md, footprint). The systemd unit
 * sets MALLOC_ARENA_MAX=2 itself; this does the same for `eyrie run` started
 * any other way, early, before any Worker thread allocates. A value in the
 * environment wins (glibc has read it already).
 */
const MALLOC_ARENAS = 2;
/**
 * Blocks of 128 KiB and more (frames, x264's planes, GStreamer's buffers)
 * in pages of their own, returned when freed, instead of glibc raising the
 * threshold to whatever was freed last (bench/README.md, footprint).
 */
const MMAP_THRESHOLD = 128 << 10;

if (import.meta.main) {
  // libcamera logs every probe at INFO on stderr; keep journald to what matters.
  if (Deno.env.get("LIBCAMERA_LOG_LEVELS") === undefined) {
    Deno.env.set("LIBCAMERA_LOG_LEVELS", "*:ERROR");
  }
  // EYRIE_MALLOC=glibc keeps glibc's own settings (to measure what these save).
  if (Deno.env.get("EYRIE_MALLOC") !== "glibc") {
    try {
      if (Deno.env.get("MALLOC_ARENA_MAX") === undefined) limitMallocArenas(MALLOC_ARENAS);
      if (Deno.env.get("MALLOC_MMAP_THRESHOLD_") === undefined) fixMmapThreshold(MMAP_THRESHOLD);
    } catch {
      // No --allow-ffi (a command that needs none): glibc's defaults serve.
    }
  }
  Deno.exit(await main(Deno.args));
}
