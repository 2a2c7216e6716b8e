import assert from "node:assert/strict";
import { join } from "node:path";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import { MkvDurationPatch } from "../../../actors/recorder/mkv_duration.ts";
import { probeDuration, sourceArgs } from "./_media.ts";

/** A streamed Matroska file as matroskamux writes it to a pipe: no Duration. */
function streamed(frames: number): Uint8Array {
  using p = Pipeline.parse(
    [
      ...sourceArgs({ frames }),
      "!",
      "h264parse",
      "!",
      "matroskamux",
      "streamable=true",
      "!",
      "appsink",
      "name=out",
      "sync=false",
    ].join(" "),
  );
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  const parts: Uint8Array[] = [];
  for (;;) {
    const s = sink.pull({ timeoutMs: 5000 });
    if (s === null) break;
    const b = new Uint8Array(s.size);
    s.copyTo(b);
    parts.push(b);
  }
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of parts) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

Deno.test("MkvDurationPatch gives a streamed Matroska file the duration ffprobe then reads, whatever the chunking", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bytes = streamed(45);
    const plain = join(dir, "plain.mkv");
    await Deno.writeFile(plain, bytes);
    assert.equal(await probeDuration(plain), null);
    for (const step of [7, 100, bytes.length]) {
      const patch = new MkvDurationPatch(() => 1500);
      const out: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += step) {
        out.push(...patch.push(bytes.subarray(at, at + step)));
      }
      out.push(...patch.flush());
      const file = join(dir, `patched-${step}.mkv`);
      await Deno.writeFile(file, concat(out));
      assert.equal(await probeDuration(file), 1.5, `in chunks of ${step}`);
      assert.equal((await Deno.stat(file)).size, bytes.length + 11);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MkvDurationPatch passes through what is not Matroska", () => {
  const patch = new MkvDurationPatch(() => 1);
  const junk = new Uint8Array([0x00, 1, 2, 3]);
  assert.deepEqual(patch.push(junk), [junk]);
  assert.deepEqual(patch.flush(), []);
});
