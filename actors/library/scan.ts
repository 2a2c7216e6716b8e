/**
 * Walks one library folder for video files, and keeps to it: a link that
 * leads out of the folder, a broken link, a link to a folder, a device or
 * a pipe is skipped with its reason; nothing found stops the walk. Names
 * are kept as they are (newlines included): they are data, never parsed.
 *
 * @module
 */
import { join, relative, sep } from "node:path";

/** The names looked at (case does not matter); what they hold is decided by their content. */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([
  "mp4",
  "m4v",
  "mkv",
  "webm",
  "avi",
  "mov",
]);

/** Deepest folder walked. Reason: real libraries are a few levels deep; this bounds a hostile tree. */
export const MAX_DEPTH = 16;

/** Most files indexed per library. Reason: bounds memory and the index; ~100x a large home collection. */
export const MAX_FILES = 100_000;

/** A video file found. */
export interface FoundFile {
  /** Path under the folder, "/"-separated. */
  rel: string;
  /** The real path (links resolved), inside the folder. */
  path: string;
  size: number;
  mtimeMs: number;
}

/** Something skipped, and why. */
export interface SkippedEntry {
  rel: string;
  reason: string;
}

function extension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot + 1).toLowerCase();
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Walks `folder`; throws only when the folder itself cannot be read. */
export async function walkLibrary(
  folder: string,
): Promise<{ files: FoundFile[]; skipped: SkippedEntry[] }> {
  const root = await Deno.realPath(folder);
  if (!(await Deno.stat(root)).isDirectory) throw new TypeError(`"${folder}" is not a folder`);
  const files: FoundFile[] = [];
  const skipped: SkippedEntry[] = [];
  const relOf = (p: string) => relative(root, p).split(sep).join("/");

  async function visit(dir: string, depth: number): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (e) {
      skipped.push({ rel: relOf(dir), reason: `cannot read the folder: ${(e as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue; // hidden, and partial downloads
      const path = join(dir, entry.name);
      const rel = relOf(path);
      if (entry.isDirectory) {
        if (depth >= MAX_DEPTH) skipped.push({ rel, reason: `deeper than ${MAX_DEPTH} folders` });
        else await visit(path, depth + 1);
        continue;
      }
      if (!VIDEO_EXTENSIONS.has(extension(entry.name))) continue;
      let real = path;
      if (entry.isSymlink) {
        try {
          real = await Deno.realPath(path);
        } catch {
          skipped.push({ rel, reason: "a broken link" });
          continue;
        }
        if (!inside(root, real)) {
          skipped.push({ rel, reason: "a link that leads out of the library folder" });
          continue;
        }
      }
      let info: Deno.FileInfo;
      try {
        info = await Deno.stat(real);
      } catch (e) {
        skipped.push({ rel, reason: `cannot read it: ${(e as Error).message}` });
        continue;
      }
      if (!info.isFile) {
        skipped.push({
          rel,
          reason: info.isDirectory ? "a link to a folder" : "not a regular file",
        });
        continue;
      }
      if (files.length >= MAX_FILES) {
        skipped.push({ rel, reason: `past ${MAX_FILES} files` });
        continue;
      }
      files.push({ rel, path: real, size: info.size, mtimeMs: info.mtime?.getTime() ?? 0 });
    }
  }
  await visit(root, 0);
  return { files, skipped };
}
