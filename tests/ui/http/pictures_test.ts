/** Snapshots and MJPEG streams from a real eyrie, read back by ffprobe (a decoder we did not write). */
import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { MAX_MJPEG_CLIENTS } from "../../../ui/http/pictures.ts";

async function probe(jpeg: Uint8Array): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".jpg" });
  try {
    await Deno.writeFile(file, jpeg);
    const o = await new Deno.Command("ffprobe", {
      args: [
        "-v",
        "error",
        "-show_entries",
        "stream=codec_name,width,height",
        "-of",
        "csv=p=0",
        file,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(o.code, 0, new TextDecoder().decode(o.stderr));
    return new TextDecoder().decode(o.stdout).trim();
  } finally {
    await Deno.remove(file);
  }
}

/** Reads `count` parts of a multipart/x-mixed-replace body. */
async function parts(res: Response, count: number): Promise<Uint8Array[]> {
  const boundary = /boundary=([^;]+)/.exec(res.headers.get("content-type") ?? "")![1];
  const reader = res.body!.getReader();
  let buf = new Uint8Array(0);
  const out: Uint8Array[] = [];
  const text = new TextDecoder("latin1");
  while (out.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    const joined = new Uint8Array(buf.length + value.length);
    joined.set(buf);
    joined.set(value, buf.length);
    buf = joined;
    for (;;) {
      const head = text.decode(buf.subarray(0, Math.min(buf.length, 200)));
      const m = new RegExp(
        `^--${boundary}\\r\\nContent-Type: image/jpeg\\r\\nContent-Length: (\\d+)\\r\\n\\r\\n`,
      ).exec(head);
      if (m === null) break;
      const start = m[0].length, len = Number(m[1]);
      if (buf.length < start + len + 2) break;
      out.push(buf.slice(start, start + len));
      buf = buf.slice(start + len + 2);
    }
  }
  await reader.cancel();
  return out;
}

Deno.test("snapshot.jpg and the MJPEG stream of an H.264 and an MJPEG camera decode in ffprobe", async () => {
  await using cfg = await tempConfig(`[console]
listen = "127.0.0.1:0"
[[camera]]
id = "h"
source = "test"
width = 320
height = 240
fps = 15
[[camera]]
id = "m"
source = "test"
width = 320
height = 240
fps = 15
codec = "mjpeg"
`);
  const eyrie = await startEyrie(cfg.file);
  try {
    for (const [id, codec] of [["h", "mjpeg"], ["m", "mjpeg"]]) {
      const snap = await fetch(`${eyrie.url}/api/cameras/${id}/snapshot.jpg`);
      assert.equal(snap.status, 200, id);
      assert.equal(snap.headers.get("content-type"), "image/jpeg");
      assert.equal(await probe(new Uint8Array(await snap.arrayBuffer())), `${codec},320,240`);

      const stream = await fetch(`${eyrie.url}/api/cameras/${id}/mjpeg`);
      assert.equal(stream.status, 200);
      assert.match(
        stream.headers.get("content-type") ?? "",
        /^multipart\/x-mixed-replace; boundary=/,
      );
      const got = await parts(stream, 3);
      assert.equal(got.length, 3, `${id}: three pictures`);
      assert.equal(await probe(got[2]), `${codec},320,240`);
    }
    const missing = await fetch(`${eyrie.url}/api/cameras/nope/snapshot.jpg`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();

    // At most MAX_MJPEG_CLIENTS streams per camera; the next one is told to come back.
    const open = await Promise.all(
      Array.from({ length: MAX_MJPEG_CLIENTS }, () => fetch(`${eyrie.url}/api/cameras/h/mjpeg`)),
    );
    const refused = await fetch(`${eyrie.url}/api/cameras/h/mjpeg`);
    assert.equal(refused.status, 503);
    assert.ok(refused.headers.get("retry-after"));
    assert.match((await refused.json()).error, /already serves 8 MJPEG clients/);
    for (const r of open) await r.body?.cancel();
  } finally {
    assert.equal(await eyrie.stop(), 0);
  }
});
