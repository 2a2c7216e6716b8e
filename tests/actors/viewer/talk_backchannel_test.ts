/// <reference lib="dom" />
/**
 * Two-way talk through an IP camera's own speaker, its ONVIF RTSP
 * backchannel, with the real peers: gst-rtsp-server's RTSPOnvifServer as
 * the camera (its backchannel decoded into a WAV) and Chromium's fake
 * microphone playing a 1 kHz WAV. What the camera received peaks at 1 kHz;
 * a camera without a backchannel answers 503 naming the cause; a camera
 * that goes away mid-talk ends the talk with the cause, and its video comes
 * back when the camera does, the viewer actor never restarted.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { launchChromium } from "../../_chromium.ts";
import { peakOf } from "../../_spectrum.ts";
import { fakeMicrophone, makeTone } from "../../_tone.ts";
import {
  camera,
  closedPort,
  getJson,
  startEyrie,
  startRtspCamera,
  tempConfig,
  until,
} from "../../faults/_faults.ts";
import { openTalkPage, talkFrom } from "./_talk_page.ts";

interface TalkState {
  state: string;
  holder?: string | null;
  packets?: number;
  cause?: string;
  connected?: boolean;
  ended?: Record<string, number>;
}

interface CameraState {
  status: { state: string };
  actors: { id: string; restarts: number }[];
}

/** The samples of a WAV that wavenc wrote (its header may still say 0 bytes: read to the end). */
async function wavSamples(path: string): Promise<{ rate: number; samples: Int16Array }> {
  const bytes = await Deno.readFile(path);
  const view = new DataView(bytes.buffer);
  const text = (at: number) => new TextDecoder().decode(bytes.subarray(at, at + 4));
  assert.equal(text(0), "RIFF");
  let at = 12, rate = 0;
  while (at + 8 <= bytes.length) {
    const size = view.getUint32(at + 4, true);
    if (text(at) === "fmt ") rate = view.getUint32(at + 12, true);
    if (text(at) === "data") {
      const start = at + 8;
      const n = (bytes.length - start) >> 1;
      return { rate, samples: new Int16Array(bytes.slice(start, start + n * 2).buffer) };
    }
    at += 8 + size;
  }
  throw new Error(`No data chunk in ${path}`);
}

Deno.test({
  name:
    "Chromium's microphone (a 1 kHz WAV) talks through an ONVIF camera's RTSP backchannel intact; a camera without one answers 503 with the cause; a camera gone mid-talk ends the talk and its video returns",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "back-talk-" });
    const wav = await makeTone(dir);
    const heard = join(dir, "heard.wav");
    const port = closedPort();
    let door = await startRtspCamera(port, { backchannel: heard });
    await using plain = await startRtspCamera(closedPort());
    await using cfg = await tempConfig(
      `[console]\nlisten = "127.0.0.1:0"\n[recording]\nenabled = false\n` +
        camera("door", door.url, `audio = "none"\nspeaker = "backchannel"\n`) +
        camera("plain", plain.url, `audio = "none"\nspeaker = "backchannel"\n`),
    );
    const eyrie = await startEyrie(cfg.file);
    await using browser = await launchChromium({ args: fakeMicrophone(wav) });
    const talkState = async (id: string) =>
      (await getJson<{ talk: TalkState }>(`${eyrie.url}/api/cameras/${id}`)).talk;
    const cameraState = (id: string) => getJson<CameraState>(`${eyrie.url}/api/cameras/${id}`);
    const open = () => openTalkPage(browser, eyrie.url);
    const talk = (page: Page, id: string) => talkFrom(page, eyrie.url, id);
    try {
      for (const id of ["door", "plain"]) {
        await until(`${id} live`, async () => {
          const c = await cameraState(id);
          return c.status.state === "live" ? c : undefined;
        });
      }
      // The tone goes through the browser, eyrie's transcoding to PCMU and the camera's backchannel.
      const page = await open();
      const got = await talk(page, "door");
      assert.equal(got.status, 201, got.body);
      await until("the tone played", async () => {
        const t = await talkState("door");
        return t.state === "held" && (t.packets ?? 0) >= 200 ? t : undefined;
      });
      const del = await fetch(`${eyrie.url}${got.location}`, { method: "DELETE" });
      assert.equal(del.status, 200);
      await del.body?.cancel();
      await until("the speaker free", async () => {
        const t = await talkState("door");
        return t.state === "free" ? t : undefined;
      });
      // The camera writes its WAV as the sound comes; what it got so far is read.
      const { rate, samples } = await until("the camera's recording", async () => {
        const w = await wavSamples(heard).catch(() => undefined);
        return w !== undefined && w.samples.length >= 8000 * 3 ? w : undefined;
      });
      assert.equal(rate, 8000);
      const peak = peakOf(samples, rate, samples.length - 16384 - 2000);
      assert.ok(Math.abs(peak.hz - 1000) < 10, `peak at ${peak.hz} Hz`);
      assert.ok(peak.share > 0.9, `${peak.share} of the power around 1 kHz`);
      assert.ok(peak.rms > 0.2 && peak.rms < 0.5, `rms ${peak.rms}`);
      console.log(
        `backchannel: ${samples.length} samples at ${rate} Hz, peak ${peak.hz.toFixed(1)} Hz, ` +
          `${(peak.share * 100).toFixed(1)} % of the power within 30 Hz, rms ${
            peak.rms.toFixed(3)
          }`,
      );

      // A camera without a backchannel: 503 naming the cause; the camera runs on.
      const none = await talk(page, "plain");
      assert.equal(none.status, 503, none.body);
      assert.match(JSON.parse(none.body).error, /backchannel/);
      const plainTalk = await talkState("plain");
      assert.equal(plainTalk.state, "offline");
      assert.match(plainTalk.cause ?? "", /ONVIF backchannel|no backchannel/);
      assert.equal((await cameraState("plain")).status.state, "live");

      // The camera goes away mid-talk: the talk ends with the cause.
      const again = await talk(page, "door");
      assert.equal(again.status, 201, again.body);
      await until("talking again", async () => {
        const t = await talkState("door");
        return t.state === "held" && t.connected && (t.packets ?? 0) > 50 ? t : undefined;
      });
      await door.stop();
      const gone = await until("the talk ended", async () => {
        const t = await talkState("door");
        return t.state === "offline" ? t : undefined;
      });
      assert.match(gone.cause ?? "", /closed the connection|connection/);
      assert.equal(gone.ended?.speaker_failed, 1);
      // The camera comes back: its video goes on, and nothing was restarted to get there.
      door = await startRtspCamera(port, { backchannel: join(dir, "heard2.wav") });
      await until("door live again", async () => {
        const c = await cameraState("door");
        return c.status.state === "live" ? c : undefined;
      }, 40_000);
      const cam = await cameraState("door");
      assert.equal(cam.actors.find((a) => a.id === "door/viewer")?.restarts ?? 0, 0);
      assert.equal((await cameraState("plain")).status.state, "live");
    } finally {
      await eyrie.stop();
      await door.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
  sanitizeOps: false,
  sanitizeResources: false,
});
