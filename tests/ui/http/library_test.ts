/// <reference lib="dom" />
/**
 * The library over HTTP against a real `eyrie run` with a [[library]]
 * folder of clips made by gst-launch-1.0: the list (the contract's fields,
 * search, sort, bad queries), curl's ranges on a file, the remux of a
 * Matroska file read back by ffprobe (streamed first, then a copy served
 * with ranges), the stream limit (503 with Retry-After), and Chromium
 * playing an MP4 as it is and a Matroska file through the remux, seeking
 * in the copy, with screenshots of the page.
 */
import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { makeClips } from "../../actors/library/_clips.ts";
import { launchChromium } from "../../_chromium.ts";

const ARTIFACTS = new URL("../../artifacts/library/", import.meta.url).pathname;

async function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

interface Item {
  id: number;
  name: string;
  duration_s: number;
  width: number;
  height: number;
  codecs: string[];
  mime: string;
  size: number;
  delivery: string;
  play_url: string | null;
  thumbnail_url: string | null;
}

Deno.test("The library over HTTP: list, ranges, remux, stream limit, and Chromium playing both kinds", async (t) => {
  const films = await Deno.makeTempDir({ prefix: "eyrie-films-" });
  await makeClips(films);
  await Deno.writeTextFile(`${films}/broken.mkv`, "not a film");
  // An MP4 with 32 MB after its end: a stream too long to sit in the sockets' buffers whole.
  const big = await Deno.readFile(`${films}/a.mp4`);
  const padded = new Uint8Array(big.length + 32 * 2 ** 20);
  padded.set(big);
  await Deno.writeFile(`${films}/big.mp4`, padded);
  await using cfg = await tempConfig(`
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[[library]]
id = "films"
path = "${films}"
`);
  const eyrie = await startEyrie(cfg.file);
  await using browser = await launchChromium();
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const api = async (path: string) => {
    const res = await fetch(`${eyrie.url}${path}`);
    return { status: res.status, body: await res.json() };
  };
  try {
    // The first scan runs in the background; wait for its seven files.
    let items: Item[] = [];
    const deadline = Date.now() + 30_000;
    while (items.length < 7) {
      assert.ok(Date.now() < deadline, `scan incomplete: ${JSON.stringify(items)}`);
      await new Promise((r) => setTimeout(r, 200));
      items = (await api("/api/library?library=films")).body.items;
    }
    const byName = (n: string) => items.find((i) => i.name === n)!;

    await t.step(
      "GET /api/library lists the contract's fields; search, sort and bad queries",
      async () => {
        const a = byName("a.mp4");
        for (const k of ["id", "name", "duration_s", "width", "height", "codecs", "mime", "size"]) {
          assert.ok(k in a, `item has ${k}`);
        }
        assert.deepEqual([a.width, a.height, a.codecs, a.mime], [
          320,
          240,
          ["h264", "aac"],
          "video/mp4",
        ]);
        assert.equal(a.size, (await Deno.stat(`${films}/a.mp4`)).size);
        assert.equal(byName("broken.mkv").play_url, null);
        assert.deepEqual((await api("/api/library?q=MKV")).body.items.map((i: Item) => i.name), [
          "b.mkv",
          "broken.mkv",
        ]);
        const bySize = (await api("/api/library?sort=size")).body.items.map((i: Item) => i.size);
        assert.deepEqual(bySize, [...bySize].sort((x, y) => y - x));
        assert.equal((await api("/api/library?library=nope")).status, 404);
        assert.equal((await api("/api/library?sort=colour")).status, 400);
        assert.match((await api("/api/library?bogus=1")).body.error, /Unrecognized key: "bogus"/);
        assert.equal((await api("/api/library/items/99999")).status, 404);
        assert.equal((await api("/api/library/items/1e3")).status, 404);
        const thumb = await fetch(`${eyrie.url}${a.thumbnail_url}`);
        assert.equal(thumb.headers.get("content-type"), "image/jpeg");
        await thumb.body?.cancel();
      },
    );

    await t.step("curl asks a range of a file and gets those bytes", async () => {
      const a = byName("a.mp4");
      const file = await Deno.readFile(`${films}/a.mp4`);
      const out = `${films}/../range-${a.id}.bin`;
      const r = await run("curl", [
        "-s",
        "-r",
        "100-1123",
        "-o",
        out,
        "-w",
        "%{http_code} %{content_type}",
        `${eyrie.url}/api/library/items/${a.id}`,
      ]);
      assert.equal(r.stdout, "206 video/mp4");
      assert.deepEqual(await Deno.readFile(out), file.subarray(100, 1124));
      await Deno.remove(out);
    });

    await t.step(
      "a Matroska file is remuxed to MP4 that ffprobe reads: streamed first, then a copy with ranges",
      async () => {
        const b = byName("b.mkv");
        assert.equal(b.delivery, "remux");
        const streamed = `${films}/../streamed.mp4`;
        const res = await fetch(`${eyrie.url}${b.play_url}`);
        assert.equal(res.headers.get("x-eyrie-copy"), "making");
        await Deno.writeFile(streamed, new Uint8Array(await res.arrayBuffer()));
        const probe = await run("ffprobe", [
          "-v",
          "error",
          "-show_entries",
          "stream=codec_name:format=format_name",
          "-of",
          "csv=p=0",
          streamed,
        ]);
        assert.equal(probe.code, 0);
        assert.match(probe.stdout, /h264\naac\n"?mov,mp4/);
        // The copy is served with ranges once made.
        let copy = "";
        const until = Date.now() + 30_000;
        while (copy !== "ready") {
          assert.ok(Date.now() < until, "no copy within 30 s");
          await new Promise((r) => setTimeout(r, 200));
          const head = await fetch(`${eyrie.url}${b.play_url}`, { method: "HEAD" });
          copy = head.headers.get("x-eyrie-copy") ?? "";
        }
        const ranged = await fetch(`${eyrie.url}${b.play_url}`, {
          headers: { range: "bytes=0-99" },
        });
        assert.equal(ranged.status, 206);
        assert.equal((await ranged.arrayBuffer()).byteLength, 100);
        await Deno.remove(streamed);
      },
    );

    await t.step(
      "past six streams at once: 503 with Retry-After, and a slot comes back when one ends",
      async () => {
        const a = byName("big.mp4");
        const open: Response[] = [];
        for (let i = 0; i < 6; i++) {
          const res = await fetch(`${eyrie.url}/api/library/items/${a.id}`);
          assert.equal(res.status, 200);
          open.push(res); // bodies not read: the streams stay open
        }
        const refused = await fetch(`${eyrie.url}/api/library/items/${a.id}`);
        assert.equal(refused.status, 503);
        assert.equal(refused.headers.get("retry-after"), "30");
        await refused.body?.cancel();
        assert.equal((await open[0].arrayBuffer()).byteLength, a.size); // read to its end: the slot is given back
        const after = await fetch(`${eyrie.url}/api/library/items/${a.id}`);
        assert.equal(after.status, 200);
        open[0] = after;
        for (const r of open) await r.body?.cancel();
        // Cancelled bodies give their slots back too.
        const deadlineSlots = Date.now() + 5000;
        for (;;) {
          const n = (await api("/api/library")).body.streams.open;
          if (n === 0) break;
          assert.ok(Date.now() < deadlineSlots, `${n} streams still open`);
          await new Promise((r) => setTimeout(r, 50));
        }
      },
    );

    await t.step(
      "Chromium plays an MP4 as it is and the Matroska file through the remux, and seeks in it",
      async () => {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        for (const scheme of ["light", "dark"] as const) {
          for (const [w, h] of [[1280, 800], [390, 844]]) {
            await page.emulateMedia({ colorScheme: scheme });
            await page.setViewportSize({ width: w, height: h });
            await page.goto(`${eyrie.url}/library`);
            await page.waitForFunction(() => document.body.dataset.ready === "1");
            await page.waitForFunction(() =>
              [...document.querySelectorAll<HTMLImageElement>(".item img")].every((i) =>
                i.complete && i.naturalWidth > 0
              )
            );
            await page.screenshot({
              path: `${ARTIFACTS}library-${w}-${scheme}.png`,
              fullPage: true,
            });
          }
        }
        await page.setViewportSize({ width: 1280, height: 800 });
        for (const name of ["a.mp4", "b.mkv"]) {
          const id = byName(name).id;
          await page.click(`.item[data-id="${id}"]`);
          await page.waitForFunction(
            (id) => {
              const v = document.getElementById("player") as HTMLVideoElement;
              return v.dataset.item === String(id) && v.currentTime > 0.5;
            },
            id,
            { timeout: 20_000 },
          );
          // Seek back to 0.2 s: a file with ranges is seekable anywhere.
          const seeked = await page.evaluate(async () => {
            const v = document.getElementById("player") as HTMLVideoElement;
            v.pause();
            v.currentTime = 0.2;
            await new Promise((r) => v.addEventListener("seeked", r, { once: true }));
            return { t: v.currentTime, seekable: v.seekable.length > 0 ? v.seekable.end(0) : 0 };
          });
          assert.ok(Math.abs(seeked.t - 0.2) < 0.1, `${name} seeked to ${seeked.t}`);
          assert.ok(seeked.seekable > 1.5, `${name} seekable to ${seeked.seekable}`);
        }
        await page.screenshot({ path: `${ARTIFACTS}library-playing.png` });
        // Pausing kept each position (auth off: the local viewer's); the history lists both.
        const until = Date.now() + 5000;
        let watched: string[] = [];
        while (watched.length < 2) {
          assert.ok(Date.now() < until, `history: ${watched}`);
          await new Promise((r) => setTimeout(r, 100));
          watched = (await api("/api/library/history")).body.items.map((i: Item) => i.name);
        }
        assert.deepEqual(watched.sort(), ["a.mp4", "b.mkv"]);

        // "+" on two cards puts them in a playlist named in the prompt; choosing it shows them in order.
        page.on("dialog", (d) => d.accept("Evening"));
        for (const name of ["b.mkv", "a.mp4"]) {
          await page.click(`.wrap:has(.item[data-id="${byName(name).id}"]) .add`);
          await page.waitForFunction(
            (n) => document.getElementById("msg")!.textContent === `Added ${n} to Evening`,
            name,
          );
        }
        const evening = await page.$eval(
          "#playlist",
          (s) => [...(s as HTMLSelectElement).options].find((o) => o.text === "Evening (2)")?.value,
        );
        assert.ok(evening !== undefined, "the playlist is offered");
        await page.selectOption("#playlist", evening!);
        await page.waitForFunction(() =>
          document.getElementById("msg")!.textContent === "Evening: 2 items"
        );
        const order = await page.$$eval(".item .name", (ns) => ns.map((n) => n.textContent));
        assert.deepEqual(order, ["b.mkv", "a.mp4"]);
        await page.screenshot({ path: `${ARTIFACTS}library-playlist.png` });
        assert.deepEqual(errors, []);
      },
    );
  } finally {
    assert.equal(await eyrie.stop(), 0);
    await Deno.remove(films, { recursive: true });
  }
});
