/**
 * The top-level map's rule, checked: dependencies point down — ui → actors → transports →
 * ffi/certs. A file may import from its own layer and the ones below it, never from above
 * (tests/ and bench/ may import anything). Found and fixed when this test came: the system actor
 * took eyrie's version and the quality presets from ui/, and certs/ carried its own command line.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";

const ROOT = new URL("../", import.meta.url).pathname;
const LAYER: Record<string, number> = { ui: 3, actors: 2, transports: 1, ffi: 0, certs: 0 };

async function* sources(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) yield* sources(path);
    else if (e.name.endsWith(".ts")) yield path;
  }
}

Deno.test("Dependencies point down: ui → actors → transports → ffi/certs", async () => {
  const wrong: string[] = [];
  let files = 0;
  for (const top of Object.keys(LAYER)) {
    for await (const file of sources(join(ROOT, top))) {
      files++;
      const text = await Deno.readTextFile(file);
      // Static imports, re-exports and dynamic imports of relative paths.
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
        const target = relative(ROOT, join(file, "..", m[1])).split("/")[0];
        if (target in LAYER && LAYER[target] > LAYER[top]) {
          wrong.push(`${relative(ROOT, file)} imports ${m[1]}`);
        }
      }
    }
  }
  assert.ok(files > 300, `only ${files} files read`);
  assert.deepEqual(wrong, []);
});
