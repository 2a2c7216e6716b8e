/**
 * Free space where eyrie writes: the data dir and the recordings dir. A dir
 * that does not exist yet is measured at its nearest existing parent (the
 * filesystem it will be made on).
 *
 * @module
 */
import { statfsSync } from "node:fs";
import { dirname } from "node:path";

export interface DiskSpace {
  /** The dir as configured. */
  path: string;
  /** Bytes an unprivileged writer may still use (f_bavail × f_frsize). */
  freeBytes: number;
  totalBytes: number;
}

/** Free space of the filesystem that holds (or will hold) `path`; undefined if none can be read. */
export function diskSpace(path: string): DiskSpace | undefined {
  for (let at = path;; at = dirname(at)) {
    try {
      const s = statfsSync(at);
      return { path, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    } catch {
      if (dirname(at) === at) return undefined;
    }
  }
}
