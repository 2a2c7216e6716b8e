/// <reference lib="dom" />
/**
 * Two-way talk with the real peer: Chromium's fake microphone plays a 1 kHz
 * WAV (made here with gst-launch), the page sends it to
 * `POST /api/cameras/:id/talk`, and the camera's speaker (a `file:` sink,
 * raw 48 kHz PCM) receives it: the file's spectrum peaks at 1 kHz with
 * nearly all its power there. One talker at a time (a second offer gets 409
 * naming the holder, and the camera's state says who holds it); a talker
 * who closes the page releases the speaker; a speaker that cannot open is
 * offline with its cause while the camera runs on.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../../_chromium.ts";
import { peakOf } from "../../_spectrum.ts";
import { fakeMicrophone, makeTone } from "../../_tone.ts";
import { camera, getJson, startEyrie, tempConfig, until } from "../../faults/_faults.ts";
import { openTalkPage, talkFrom } from "./_talk_page.ts";

interface TalkState {
  state: string;
  holder?: string | null;
  packets?: number;
  cause?: string;
  connected?: boolean;
}

Deno.test({
  name:
    "Chromium's microphone (a 1 kHz WAV) talks through a camera's speaker intact; a second talker gets 409 naming the holder; a talker who leaves releases it; a speaker that cannot open is offline with its cause",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "talk-" });
    const wav = await makeTone(dir);
    const pcm = join(dir, "door.pcm");
    await using cfg = await tempConfig(
      `[console]\nlisten = "127.0.0.1:0"\n[recording]\nenabled = false\n` +
        camera("door", "test", `audio = "none"\nspeaker = "file:${pcm}"\n`) +
        camera("dead", "test", `audio = "none"\nspeaker = "file:${dir}/no/such/dir/x.pcm"\n`) +
        camera("mute", "test", `audio = "none"\n`),
    );
    const eyrie = await startEyrie(cfg.file);
    const browser = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM_PATH,
      args: [
        ...CHROMIUM_FLAGS,
        ...fakeMicrophone(wav),
      ],
    });
    const talkState = async (id: string) =>
      (await getJson<{ talk: TalkState }>(`${eyrie.url}/api/cameras/${id}`)).talk;
    const open = () => openTalkPage(browser, eyrie.url);
    const talk = (page: Page, id: string) => talkFrom(page, eyrie.url, id);
    try {
      assert.deepEqual(await talkState("door"), {
        state: "free",
        speaker: `file:${pcm}`,
        holder: null,
      });
      assert.equal((await talkState("mute")).state, "none");
      const noSpeaker = await fetch(`${eyrie.url}/api/cameras/mute/talk`, {
        method: "POST",
        headers: { "content-type": "application/sdp" },
        body: "v=0\r\n",
      });
      assert.equal(noSpeaker.status, 409);
      assert.match((await noSpeaker.json()).error, /has no speaker/);

      // The first talker gets the speaker; the tone plays into the file.
      const first = await open();
      const got = await talk(first, "door");
      assert.equal(got.status, 201, got.body);
      assert.match(got.body, /a=recvonly/);
      assert.match(got.body, /opus\/48000/i);
      assert.match(got.location ?? "", /^\/api\/cameras\/door\/talk\/[0-9a-f-]+$/);
      const held = await until("the tone played", async () => {
        const t = await talkState("door");
        return t.state === "held" && (t.packets ?? 0) >= 150 ? t : undefined;
      });
      assert.equal(held.holder, "127.0.0.1");
      assert.equal(held.connected, true);

      // A second talker is refused, told who holds it.
      const second = await open();
      const refused = await talk(second, "door");
      assert.equal(refused.status, 409);
      const why = JSON.parse(refused.body);
      assert.equal(why.holder, "127.0.0.1");
      assert.match(why.error, /held by 127\.0\.0\.1/);

      // DELETE releases the speaker; the file holds the tone, intact.
      const del = await fetch(`${eyrie.url}${got.location}`, { method: "DELETE" });
      assert.equal(del.status, 200);
      await del.body?.cancel();
      await until("the speaker free", async () => {
        const t = await talkState("door");
        return t.state === "free" ? t : undefined;
      });
      const bytes = await Deno.readFile(pcm);
      const samples = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
      assert.ok(samples.length > 48_000 * 2, `${samples.length} samples played`);
      // A stretch from the middle (the start may hold the fake device's first silence).
      const peak = peakOf(samples, 48_000, samples.length - 48_000);
      assert.ok(Math.abs(peak.hz - 1000) < 10, `peak at ${peak.hz} Hz`);
      assert.ok(peak.share > 0.9, `${peak.share} of the power around 1 kHz`);
      // The WAV's sine at half scale has an RMS of 0.35.
      assert.ok(peak.rms > 0.2 && peak.rms < 0.5, `rms ${peak.rms}`);
      console.log(
        `talk: ${samples.length} samples, peak ${peak.hz.toFixed(1)} Hz, ` +
          `${(peak.share * 100).toFixed(1)} % of the power within 30 Hz, rms ${
            peak.rms.toFixed(3)
          }`,
      );

      // The second talker gets it now; closing the page leaves without a DELETE.
      const again = await talk(second, "door");
      assert.equal(again.status, 201, again.body);
      await until("the second talker heard", async () => {
        const t = await talkState("door");
        return t.state === "held" && t.connected ? t : undefined;
      });
      await second.close();
      await until("the speaker released after the talker left", async () => {
        const t = await talkState("door");
        return t.state === "free" ? t : undefined;
      });

      // A speaker that cannot open: 503 with the cause, offline in the camera's state.
      const dead = await talk(first, "dead");
      assert.equal(dead.status, 503, dead.body);
      assert.match(JSON.parse(dead.body).error, /speaker of camera "dead".*offline/);
      const offline = await talkState("dead");
      assert.equal(offline.state, "offline");
      assert.match(offline.cause ?? "", /no\/such\/dir/);
      // The camera itself runs on, and the viewer actor did not crash.
      const cam = await getJson<
        { status: { state: string }; actors: { id: string; restarts: number }[] }
      >(
        `${eyrie.url}/api/cameras/dead`,
      );
      assert.equal(cam.status.state, "live");
      assert.equal(cam.actors.find((a) => a.id === "dead/viewer")?.restarts ?? 0, 0);
    } finally {
      await browser.close();
      await eyrie.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
  sanitizeOps: false,
  sanitizeResources: false,
});
