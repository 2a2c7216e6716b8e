/**
 * `[[library]]`: folders of the user's own videos that eyrie indexes and
 * serves read-only (actors/library/). Reference: docs/library.md.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import type { LibraryConfig } from "../../actors/defs.ts";
import { bool, type Issues, isTable, str, table } from "./schema.ts";

/** Most library folders. Reason: each is scanned and watched; a few dozen is a big home. */
export const MAX_LIBRARIES = 32;

const ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

const entry = table<Required<LibraryConfig>>({
  id: [str({ pattern: ID, hint: "use 1 to 32 of a-z, 0-9 and -" }), ""],
  path: [str({ maxLength: 1024 }), ""],
  transcode: [bool, false],
});

/** Checks `[[library]]`; relative paths are taken from `base` (the config's folder). */
export function librarySection(
  v: unknown,
  base: string,
  issues: Issues,
): LibraryConfig[] | undefined {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    return void issues.add("library", "must be an array of tables: write [[library]]");
  }
  if (v.length > MAX_LIBRARIES) {
    return void issues.add("library", `at most ${MAX_LIBRARIES} libraries, got ${v.length}`);
  }
  const out: LibraryConfig[] = [];
  const ids = new Set<string>();
  let ok = true;
  v.forEach((raw, i) => {
    const path = `library[${i}]`;
    if (!isTable(raw)) return void issues.add(path, "must be a table");
    for (const k of ["id", "path"]) {
      if (raw[k] === undefined) {
        ok = false;
        issues.add(`${path}.${k}`, "is required");
      }
    }
    const lib = entry(raw, path, issues);
    if (lib === undefined) return void (ok = false);
    if (ids.has(lib.id)) {
      ok = false;
      return void issues.add(`${path}.id`, `"${lib.id}" is used by an earlier library`);
    }
    ids.add(lib.id);
    out.push({
      id: lib.id,
      path: isAbsolute(lib.path) ? lib.path : resolve(base, lib.path),
      transcode: lib.transcode,
    });
  });
  return ok ? out : undefined;
}
