/**
 * Free space on the recordings disk. Deno has no `Deno.statfs`, but its
 * node:fs implements `statfs` (statvfs underneath, checked under Deno 2.9.6
 * against `df`): no subprocess and no FFI needed.
 *
 * @module
 */
import { statfs } from "node:fs/promises";

/**
 * Bytes available to eyrie on the file system that holds `dir`: what `df`
 * calls Avail (free blocks less those reserved for root).
 *
 * @throws {Error} when `dir` cannot be examined (for example, it does not exist).
 */
export async function freeDiskBytes(dir: string): Promise<number> {
  let s;
  try {
    s = await statfs(dir);
  } catch (e) {
    throw new Error(`Cannot read free space of ${JSON.stringify(dir)}: ${(e as Error).message}`);
  }
  const bytes = s.bavail * s.bsize;
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new RangeError(`Free space of ${JSON.stringify(dir)} came back as ${bytes}`);
  }
  return bytes;
}
