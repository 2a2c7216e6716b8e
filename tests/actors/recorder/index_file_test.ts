import assert from "node:assert/strict";
import { join } from "node:path";
import { openIndex } from "../../../actors/recorder/index_file.ts";
import { segmentPath } from "../../../actors/recorder/mod.ts";
import { createLogger } from "../../../actors/log/logger.ts";
import { forgetStateFiles } from "../../../actors/state/recover.ts";

const log = createLogger("test", () => {});

async function dataDir(): Promise<string> {
  forgetStateFiles();
  const dir = await Deno.makeTempDir({ prefix: "eyrie-index-" });
  await Deno.mkdir(join(dir, "data"));
  return dir;
}

Deno.test("openIndex() over a corrupt state file: health names the file, the copy and what was lost, until the copy goes", async () => {
  const dir = await dataDir();
  try {
    const data = join(dir, "data");
    await Deno.writeTextFile(join(data, "eyrie.db"), "x".repeat(8192));
    const { index, problem } = openIndex({ dataDir: data, recordingsDir: join(dir, "rec"), log });
    index.addSegment(segmentPath("front", Date.now()), {
      endMs: Date.now() + 1000,
      bytes: 1,
      frames: 1,
      keyframes: 1,
      complete: true,
    });
    const said = problem()!;
    assert.match(
      said,
      new RegExp(
        `^The state file ${join(data, "eyrie.db")} was corrupt \\(it is not an SQLite database ` +
          `\\(its header is damaged\\)\\) and was moved to .*eyrie\\.db\\.corrupt-.*; lost: everything; ` +
          `the recording index was rebuilt from ${
            join(dir, "rec")
          }; users and permissions were lost`,
      ),
    );
    index.close();
    for await (const e of Deno.readDir(data)) {
      if (e.name.includes(".corrupt-")) await Deno.remove(join(data, e.name));
    }
    assert.equal(problem(), null, "once the copy is gone, health is quiet");
  } finally {
    forgetStateFiles();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openIndex() over a state file it cannot open keeps the index in memory and says so", async () => {
  const dir = await dataDir();
  try {
    const data = join(dir, "data");
    await Deno.mkdir(join(data, "eyrie.db"));
    const { index, problem } = openIndex({ dataDir: data, recordingsDir: join(dir, "rec"), log });
    index.addSegment(segmentPath("front", Date.now()), {
      endMs: Date.now() + 1000,
      bytes: 1,
      frames: 1,
      keyframes: 1,
      complete: true,
    });
    assert.equal(index.oldest().length, 1, "an index that works");
    assert.match(
      problem()!,
      /^Cannot open the state file .*eyrie\.db \(it is a directory, not a file\): the recording index is in memory/,
    );
    index.close();
  } finally {
    forgetStateFiles();
    await Deno.remove(dir, { recursive: true });
  }
});
