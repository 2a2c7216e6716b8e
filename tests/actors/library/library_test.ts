/**
 * The library against real files: clips made by gst-launch-1.0 in every
 * container, read by GStreamer's discoverer, and hostile files beside them
 * (truncated, a wrong extension, text named .mov, a 10 GB sparse file, a
 * link out of the folder, a name with a newline), none of which stops the
 * scan or leads out of the folder; then a change, a removal, and a rescan.
 */
import assert from "node:assert/strict";
import { Library } from "../../../actors/library/library.ts";
import { makeClips } from "./_clips.ts";

Deno.test("Library scans every container, keeps hostile files to a row or a skip with its reason, and follows changes", async () => {
  const root = await Deno.makeTempDir({ prefix: "eyrie-library-" });
  const films = `${root}/films`;
  const outside = `${root}/outside`;
  await Deno.mkdir(`${films}/sub/deeper`, { recursive: true });
  await Deno.mkdir(outside);
  try {
    const clips = await makeClips(films);
    // Hostile neighbours.
    const mkv = await Deno.readFile(clips["b.mkv"]);
    await Deno.writeFile(`${films}/truncated.mkv`, mkv.subarray(0, 3000));
    await Deno.writeFile(`${films}/wrong-extension.mp4`, mkv); // Matroska named .mp4
    await Deno.writeTextFile(`${films}/text.mov`, "this is not a film\n".repeat(100));
    using sparse = await Deno.open(`${films}/sparse.mkv`, { create: true, write: true });
    await sparse.truncate(10 * 2 ** 30);
    await Deno.copyFile(clips["a.mp4"], `${outside}/secret.mp4`);
    await Deno.symlink(`${outside}/secret.mp4`, `${films}/link-out.mp4`);
    await Deno.symlink(`${films}/a.mp4`, `${films}/link-in.mp4`);
    await Deno.copyFile(clips["a.mp4"], `${films}/new\nline.mp4`);
    await Deno.copyFile(clips["a.mp4"], `${films}/sub/deeper/nested.m4v`);
    await Deno.writeTextFile(`${films}/notes.txt`, "not a video name");

    await using library = new Library([{ id: "films", path: films }], { dataDir: `${root}/data` });
    const [report] = await library.start();
    assert.equal(report.problem, null);
    assert.deepEqual(report.skipped, [
      { rel: "link-out.mp4", reason: "a link that leads out of the library folder" },
    ]);
    const items = new Map(library.index.list("films").map((i) => [i.rel, i]));
    assert.deepEqual([...items.keys()].sort(), [
      "a.mp4",
      "b.mkv",
      "c.webm",
      "d.avi",
      "e.mov",
      "link-in.mp4",
      "new\nline.mp4",
      "sparse.mkv",
      "sub/deeper/nested.m4v",
      "text.mov",
      "truncated.mkv",
      "wrong-extension.mp4",
    ]);
    const facts = (rel: string) => {
      const i = items.get(rel)!;
      return [i.mime, i.codecs.join("/"), i.delivery, i.width, i.height, Math.round(i.fps)];
    };
    assert.deepEqual(facts("a.mp4"), ["video/mp4", "h264/aac", "direct", 320, 240, 30]);
    assert.deepEqual(facts("b.mkv"), ["video/x-matroska", "h264/aac", "remux", 320, 240, 30]);
    assert.deepEqual(facts("c.webm"), ["video/webm", "vp8/opus", "direct", 320, 240, 30]);
    assert.deepEqual(facts("d.avi"), ["video/x-msvideo", "h264", "remux", 320, 240, 30]);
    assert.deepEqual(facts("e.mov"), ["video/quicktime", "h264/aac", "remux", 320, 240, 30]);
    // The content decides, not the name.
    assert.deepEqual(facts("wrong-extension.mp4"), facts("b.mkv"));
    assert.deepEqual(facts("new\nline.mp4"), facts("a.mp4"));
    for (const rel of ["a.mp4", "b.mkv", "e.mov"]) {
      const i = items.get(rel)!;
      assert.ok(Math.abs(i.duration_s - 2) < 0.2, `${rel}: ${i.duration_s} s`);
      assert.ok(i.has_thumbnail, `${rel} has a thumbnail`);
      const jpeg = library.index.thumbnail(i.id)!;
      assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    }
    for (const rel of ["text.mov", "sparse.mkv"]) {
      const i = items.get(rel)!;
      assert.match(i.error, /^GStreamer could not read it/, rel);
      assert.equal(i.delivery, "unsupported");
    }
    const truncated = items.get("truncated.mkv")!;
    assert.ok(
      truncated.error !== "" || truncated.delivery !== "direct",
      "a truncated file is flagged",
    );

    // Unchanged files are not read again; a changed one is, a removed one goes.
    const again = await library.scan("films");
    assert.equal(again.read, 0);
    await Deno.remove(`${films}/c.webm`);
    await Deno.copyFile(clips["d.avi"], `${films}/a.mp4`);
    const third = await library.scan("films");
    assert.equal(third.read, 2, "a.mp4 and link-in.mp4, its link");
    assert.equal(third.removed, 1);
    const a = library.index.list("films").find((i) => i.rel === "a.mp4")!;
    assert.equal(a.mime, "video/x-msvideo");
    assert.equal(library.index.list("films").some((i) => i.rel === "c.webm"), false);

    // A file copied in later is found by the watcher, without asking.
    await Deno.copyFile(clips["b.mkv"], `${films}/sub/later.mkv`);
    const deadline = Date.now() + 20_000;
    while (!library.index.list("films").some((i) => i.rel === "sub/later.mkv")) {
      assert.ok(Date.now() < deadline, "the watcher did not rescan within 20 s");
      await new Promise((r) => setTimeout(r, 100));
    }

    // The stream limit.
    const slots = Array.from({ length: 6 }, () => library.openStream());
    assert.ok(slots.every((s) => s !== null));
    assert.equal(library.openStream(), null);
    slots[0]!.release();
    slots[0]!.release(); // twice is once
    const one = library.openStream();
    assert.notEqual(one, null);
    assert.equal(library.openStream(), null);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
