/**
 * CPU time of the whole process (every thread, Workers included) from
 * getrusage(RUSAGE_SELF). Deno guards /proc/self behind --allow-all, and
 * node:process cpuUsage() does not count every Worker thread here.
 *
 * @module
 */

const SYMBOLS = {
  getrusage: { parameters: ["i32", "buffer"], result: "i32" },
} as const;

const RUSAGE_SELF = 0;
/**
 * struct rusage starts with two struct timeval (LP64: tv_sec i64, tv_usec i64):
 *
 *   0        8         16       24         32 … 144
 *   ┌────────┬─────────┬────────┬──────────┬─────┐
 *   │ utime.s│ utime.us│ stime.s│ stime.us │ …   │
 *   └────────┴─────────┴────────┴──────────┴─────┘
 */
const RUSAGE_BYTES = 144;

let libc: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] | undefined;
const buffer = new BigInt64Array(RUSAGE_BYTES / 8);

/** User and system CPU seconds of this process so far. Throws when getrusage fails. */
export function processCpuTime(): { userSeconds: number; systemSeconds: number } {
  libc ??= Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  if (libc.getrusage(RUSAGE_SELF, buffer) !== 0) throw new Error("getrusage(RUSAGE_SELF) failed");
  return {
    userSeconds: Number(buffer[0]) + Number(buffer[1]) / 1e6,
    systemSeconds: Number(buffer[2]) + Number(buffer[3]) / 1e6,
  };
}
