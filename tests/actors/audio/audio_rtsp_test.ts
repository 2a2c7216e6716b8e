/**
 * An RTSP camera's own sound against gst-rtsp-server: its Opus or G.711
 * track comes to the audio ring as Opus that libopus decodes to the
 * camera's 440 Hz tone; a camera without an audio track has no sound and no
 * error; a camera that goes away takes its audio offline with the cause and
 * brings it back when it returns.
 */
import assert from "node:assert/strict";
import { closedPort, startRtspCamera } from "../../faults/_faults.ts";
import { decodeOpus, dominantHz, readPackets, startSystem, until } from "./_audio.ts";

Deno.test("an RTSP camera's Opus and G.711 tracks come through as Opus at 440 Hz; a camera without audio has none, without an error", async () => {
  const opusPort = closedPort();
  const pcmaPort = closedPort();
  const silentPort = closedPort();
  await using opus = await startRtspCamera(opusPort, { audio: "opus" });
  await using pcma = await startRtspCamera(pcmaPort, { audio: "pcma" });
  await using silent = await startRtspCamera(silentPort);
  const eyrie = await startSystem([
    { id: "opus", source: opus.url },
    { id: "pcma", source: pcma.url },
    { id: "silent", source: silent.url },
  ]);
  try {
    for (const id of ["opus", "pcma"]) {
      const c = await until(`${id} audio live`, async () => {
        const c = await eyrie.camera(id);
        return c.audio.state === "live" ? c : undefined;
      });
      assert.equal(c.audio.source, "the camera's audio track");
      const packets = await readPackets(eyrie.system.cameras.get(id)!.rings.audio, 75);
      const pcm = decodeOpus(packets);
      const { hz, rms } = dominantHz(pcm.subarray(4800));
      assert.equal(hz, 440, `${id}: the camera's tone`);
      assert.ok(rms > 1000, `${id}: a tone, not silence (rms ${rms.toFixed(0)})`);
    }
    const none = await until("silent: no audio", async () => {
      const c = await eyrie.camera("silent");
      return c.audio.state === "none" ? c : undefined;
    });
    assert.deepEqual(none.audio.reason, "the camera's stream has no audio track");
    const video = await until("silent's video live", async () => {
      const c = await eyrie.camera("silent");
      return c.status.state === "live" ? c : undefined;
    });
    assert.equal(video.status.cause, undefined);
  } finally {
    await eyrie.stop();
  }
});

Deno.test("an RTSP camera that goes away takes its audio offline with the cause, and its audio is live again when it returns", async () => {
  const port = closedPort();
  let cam = await startRtspCamera(port, { audio: "opus" });
  const eyrie = await startSystem([{ id: "door", source: cam.url }]);
  try {
    await until("audio live", async () => {
      const c = await eyrie.camera("door");
      return c.audio.state === "live" ? c : undefined;
    });
    await cam.stop();
    const off = await until("audio offline", async () => {
      const c = await eyrie.camera("door");
      return c.audio.state === "offline" ? c : undefined;
    });
    assert.match(off.audio.cause!, /connection refused by 127\.0\.0\.1:\d+|audio stalled|ended/);
    cam = await startRtspCamera(port, { audio: "opus" });
    await until("audio live again", async () => {
      const c = await eyrie.camera("door");
      return c.audio.state === "live" ? c : undefined;
    }, 90_000);
    const audio = eyrie.system.cameras.get("door")!.rings.audio;
    assert.equal((await readPackets(audio, 10)).length, 10);
  } finally {
    await eyrie.stop();
    await cam.stop();
  }
});
