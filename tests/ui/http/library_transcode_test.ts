/// <reference lib="dom" />
/**
 * Re-encoding library items whose codec browsers lack, against a real
 * `eyrie run` with two [[library]] folders holding the same MPEG-4 Part 2 +
 * MP3 AVI made by gst-launch-1.0: one with `transcode = true`, one without.
 * The API says which is re-encoded and why the other is not (415 with the
 * reason when asked anyway); the WebM comes from a nice-19 child, ffprobe
 * reads it as VP8/Opus; a client's second transcode ends its first; and
 * Chromium plays the item from /library (screenshot) while the other card
 * says why it does not play.
 */
import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { makeClip } from "../../actors/library/_clips.ts";
import { launchChromium } from "../../_chromium.ts";
import { LibraryTranscodes } from "../../../ui/http/_library_transcode.ts";

const ARTIFACTS = new URL("../../artifacts/library/", import.meta.url).pathname;
const AVI =
  "videotestsrc num-buffers=300 pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 " +
  "! avenc_mpeg4 ! queue ! m. audiotestsrc num-buffers=440 ! audioconvert ! lamemp3enc ! queue ! m. " +
  "avimux name=m";

interface Item {
  id: number;
  library: string;
  name: string;
  codecs: string[];
  delivery: string;
  note: string;
  play_url: string | null;
}

/** The nice value of eyrie's `__transcode` children (their parent is `pid`). */
async function transcodeChildren(pid: number): Promise<number[]> {
  const out: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmdline = await Deno.readTextFile(`/proc/${e.name}/cmdline`);
      if (!cmdline.includes("__transcode")) continue;
      const stat = await Deno.readTextFile(`/proc/${e.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // After the name: state(3) ppid(4) … nice(19): index 1 and 16 here.
      if (Number(fields[1]) === pid) out.push(Number(fields[16]));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

async function ffprobe(file: string): Promise<string> {
  const out = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", file],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).trim().split("\n").join(",");
}

Deno.test("LibraryTranscodes: a client's new transcode ends its previous one; past the limit, none", () => {
  const t = new LibraryTranscodes(2);
  const stopped: string[] = [];
  const a1 = t.begin("a", () => stopped.push("a1"))!;
  t.begin("a", () => stopped.push("a2"));
  assert.deepEqual(stopped, ["a1"]);
  a1.end(); // the ended one giving its slot back late frees nothing of the newer one
  assert.equal(t.size, 1);
  const b = t.begin("b", () => stopped.push("b"))!;
  assert.equal(t.begin("c", () => {}), null);
  b.end();
  assert.ok(t.begin("c", () => {}) !== null);
});

Deno.test("library items browsers cannot decode are re-encoded only where transcode = true, and play in Chromium", async () => {
  const root = await Deno.makeTempDir({ prefix: "library2-transcode-" });
  for (const lib of ["open", "closed"]) {
    await Deno.mkdir(`${root}/${lib}`);
    await makeClip(AVI, `${root}/${lib}/old.avi`);
  }
  await using cfg = await tempConfig(`
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[[library]]
id = "open"
path = "${root}/open"
transcode = true
[[library]]
id = "closed"
path = "${root}/closed"
`);
  const eyrie = await startEyrie(cfg.file);
  await using browser = await launchChromium({ viewport: { width: 1280, height: 800 } });
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  try {
    let items: Item[] = [];
    const deadline = Date.now() + 30_000;
    while (items.length < 2) {
      assert.ok(Date.now() < deadline, `scan incomplete: ${JSON.stringify(items)}`);
      await new Promise((r) => setTimeout(r, 200));
      items = (await (await fetch(`${eyrie.url}/api/library`)).json()).items;
    }
    const open = items.find((i) => i.library === "open")!;
    const closed = items.find((i) => i.library === "closed")!;
    assert.deepEqual(open.codecs, ["mpeg4", "mp3"]);
    assert.equal(open.delivery, "transcode");
    assert.equal(open.play_url, `/api/library/items/${open.id}?format=webm`);
    assert.equal(closed.delivery, "unsupported");
    assert.equal(closed.play_url, null);
    assert.match(
      closed.note,
      /^Browsers do not play mpeg4\/mp3 in video\/x-msvideo; re-encoding is off for library "closed" \(transcode = true in its \[\[library\]\] turns it on\)$/,
    );

    // Asked anyway: 415 with the same reason; and an MP4 copy of either is 415 too.
    for (const path of [`${closed.id}?format=webm`, `${open.id}?format=mp4`]) {
      const r = await fetch(`${eyrie.url}/api/library/items/${path}`);
      assert.equal(r.status, 415, path);
      assert.match((await r.json()).error, /Browsers do not play mpeg4\/mp3/);
    }

    // The WebM, read slowly: the child waits on its pipe, at nice 19.
    const first = await fetch(`${eyrie.url}${open.play_url}`);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("content-type"), "video/webm");
    const reader = first.body!.getReader();
    const chunks: Uint8Array<ArrayBuffer>[] = [(await reader.read()).value!];
    assert.deepEqual(await transcodeChildren(eyrie.process.pid), [19]);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    const file = `${root}/out.webm`;
    await Deno.writeFile(file, new Uint8Array(await new Blob(chunks).arrayBuffer()));
    assert.equal(await ffprobe(file), "vp8,opus");

    // One per client: a second transcode ends the first (its body ends early), then runs whole.
    const a = await fetch(`${eyrie.url}${open.play_url}`);
    const aReader = a.body!.getReader();
    await aReader.read();
    const b = await fetch(`${eyrie.url}${open.play_url}`);
    assert.equal(b.status, 200);
    let aBytes = 0;
    for (;;) {
      const { value, done } = await aReader.read().catch(() => ({ value: undefined, done: true }));
      if (done) break;
      aBytes += value!.length;
    }
    const bBytes = (await b.arrayBuffer()).byteLength;
    assert.ok(aBytes < bBytes, `the ended one sent ${aBytes} bytes, the whole one ${bBytes}`);

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${eyrie.url}/library`);
    await page.waitForFunction(() => document.body.dataset.ready === "1");
    const why = await page.locator(`.item[data-id="${closed.id}"] .why`).textContent();
    assert.match(why ?? "", /transcode = true/);
    await page.click(`.item[data-id="${open.id}"]`);
    await page.waitForFunction(
      (id) => {
        const v = document.getElementById("player") as HTMLVideoElement;
        return v.dataset.item === String(id) && v.currentTime > 1 && v.videoWidth === 320;
      },
      open.id,
      { timeout: 30_000 },
    );
    await page.screenshot({ path: `${ARTIFACTS}library-transcode.png`, fullPage: true });
    console.log(`screenshot: ${ARTIFACTS}library-transcode.png`);
    assert.deepEqual(errors, []);
  } finally {
    assert.equal(await eyrie.stop(), 0);
    await Deno.remove(root, { recursive: true });
  }
});
