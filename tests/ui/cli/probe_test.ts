/** `eyrie probe` as a user runs it: the screens a `screen` source can capture, and the decoders `eyrie view` can use. */
import assert from "node:assert/strict";
import { eyrie } from "./_eyrie.ts";
import { startXvfb, xvfbInstalled } from "../../_xvfb.ts";
import { localDisplays } from "../../../actors/camera/probe_system.ts";

Deno.test({
  name: "eyrie probe lists the X displays here and the H.264 decoders that really decode",
  ignore: !xvfbInstalled(),
  async fn() {
    const x = await startXvfb();
    try {
      const r = await eyrie(["probe", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.ok(report.screens.includes(x.display), `${x.display} in ${report.screens}`);
      assert.equal(report.screenCapture, true);
      const avdec = report.decoders.find((d: { element: string }) => d.element === "avdec_h264");
      assert.deepEqual(avdec, { element: "avdec_h264", works: true, reason: "" });
      const text = await eyrie(["probe"]);
      assert.match(text.stdout, new RegExp(`Screens: +.*${x.display}`));
      assert.match(text.stdout, /Decoders \(eyrie view\):\n(.*\n)* {2}ok +avdec_h264/);
    } finally {
      await x.stop();
    }
  },
});

Deno.test("localDisplays() reads X sockets, in order, and nothing else", async () => {
  const dir = await Deno.makeTempDir();
  for (const name of ["X10", "X2", "Xfoo", "other"]) await Deno.writeTextFile(`${dir}/${name}`, "");
  assert.deepEqual(await localDisplays(dir), [":2", ":10"]);
  assert.deepEqual(await localDisplays(`${dir}/missing`), []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("eyrie probe lists audio inputs by the name audio = takes: the sound server when its socket listens, else none", async () => {
  const dir = await Deno.makeTempDir({ prefix: "audio-probe-" });
  await Deno.mkdir(`${dir}/pulse`);
  // A listening socket where a PulseAudio or PipeWire server puts its own.
  const server = Deno.listen({ transport: "unix", path: `${dir}/pulse/native` });
  try {
    const r = await eyrie(["probe", "--json"], { env: { XDG_RUNTIME_DIR: dir } });
    assert.equal(r.code, 0, r.stderr);
    const audio = JSON.parse(r.stdout).audio;
    assert.equal(audio.inputs[0].name, "pulse:default");
    assert.equal(audio.outputs[0].name, "pulse:default");
    const text = await eyrie(["probe"], { env: { XDG_RUNTIME_DIR: dir } });
    assert.match(text.stdout, /Audio in: +\n {2}pulse:default +the sound server's default/);
  } finally {
    server.close();
    await Deno.remove(dir, { recursive: true });
  }
  // This machine has no sound card (no /proc/asound/pcm) and now no server.
  const hasCard = await Deno.stat("/proc/asound/pcm").then(() => true, () => false);
  if (!hasCard) {
    const r = await eyrie(["probe"], { env: { XDG_RUNTIME_DIR: "/nonexistent" } });
    assert.match(r.stdout, /Audio in: +none found/);
  }
});
