/// <reference lib="dom" />
/**
 * Chromium hears a camera over WebRTC: the WHEP answer's audio section is
 * sendonly Opus (RFC 7587) for a camera with sound, and the browser receives
 * and decodes the test tone (inbound-rtp audio packets against the Opus
 * codec, a non-zero audioLevel); a camera with `audio = "none"` answers it
 * inactive. Chromium measures the level of received audio only while a
 * media element plays it, so the page attaches the tracks as they come.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../../_chromium.ts";
import { viewerReady } from "../../ui/http/_whep.ts";
import {
  camera,
  closedPort,
  startEyrie,
  startRtspCamera,
  tempConfig,
  until,
} from "../../faults/_faults.ts";

const PAGE = `<!doctype html><video id=v autoplay playsinline></video><script>
window.connect = async (url) => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver("video", { direction: "recvonly" });
  pc.addTransceiver("audio", { direction: "recvonly" });
  // Before the answer: its tracks fire during setRemoteDescription.
  const stream = new MediaStream();
  // Chromium renders (and measures) remote audio only for a media element that plays it.
  pc.ontrack = (e) => {
    stream.addTrack(e.track);
    const v = document.getElementById("v");
    v.srcObject = stream;
    v.play().catch(() => {});
  };
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => pc.iceGatheringState === "complete" ? r() :
    pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && r()));
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/sdp" }, body: pc.localDescription.sdp });
  if (res.status !== 201) throw new Error("WHEP " + res.status + " " + await res.text());
  const answer = await res.text();
  await pc.setRemoteDescription({ type: "answer", sdp: answer });
  window.pc = pc;
  return answer;
};
window.heard = async () => {
  let n = { packets: 0, bytes: 0, lost: 0, level: 0, samples: 0, frames: 0, codec: "" };
  const stats = await window.pc.getStats();
  stats.forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "audio") {
      n.packets = s.packetsReceived || 0;
      n.level = s.audioLevel || 0;
      n.energy = s.totalAudioEnergy || 0;
      n.bytes = s.bytesReceived || 0;
      n.lost = s.packetsLost || 0;
      n.level = s.audioLevel || 0;
      n.samples = s.totalSamplesReceived || 0;
      const c = s.codecId && stats.get(s.codecId);
      n.codec = c ? c.mimeType + "/" + c.clockRate : "";
    }
    if (s.type === "inbound-rtp" && s.kind === "video") n.frames = s.framesDecoded || 0;
  });
  return n;
};
</script>`;

interface Heard {
  packets: number;
  bytes: number;
  lost: number;
  level: number;
  samples: number;
  frames: number;
  codec: string;
}

Deno.test({
  name:
    "Chromium receives and plays a test camera's tone as Opus over WebRTC (inbound-rtp audio packets, a non-zero audioLevel) beside the video; audio = none answers the audio inactive",
  fn: async () => {
    await using cfg = await tempConfig(
      `[console]\nlisten = "127.0.0.1:0"\n[recording]\nenabled = false\n` +
        camera("tone", "test") + camera("mute", "test", 'audio = "none"\n'),
    );
    const eyrie = await startEyrie(cfg.file);
    const profile = await Deno.makeTempDir({ prefix: "audio-chromium-" });
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_FLAGS, "--autoplay-policy=no-user-gesture-required"],
    });
    try {
      for (const id of ["tone", "mute"]) await viewerReady(eyrie.url, id);
      await until("tone's audio live", async () => {
        const c = await (await fetch(`${eyrie.url}/api/cameras/tone`)).json();
        return c.audio.state === "live" ? true : undefined;
      });
      const page = await browser.newPage();
      await page.route(
        `${eyrie.url}/page`,
        (r) => r.fulfill({ contentType: "text/html", body: PAGE }),
      );
      await page.goto(`${eyrie.url}/page`);
      const connect = (id: string) =>
        page.evaluate(
          (u) => (window as unknown as { connect(u: string): Promise<string> }).connect(u),
          `${eyrie.url}/api/cameras/${id}/whep`,
        );
      const answer = await connect("tone");
      const audio = answer.slice(answer.indexOf("m=audio"));
      assert.match(audio, /a=sendonly/);
      assert.match(audio, /a=rtpmap:\d+ opus\/48000\/2/i);
      const heard = await until("the tone heard", async () => {
        const n = await page.evaluate(() =>
          (window as unknown as { heard(): Promise<Heard> }).heard()
        );
        return n.packets >= 100 && n.frames > 10 && n.level > 0 ? n : undefined;
      }, 30_000);
      assert.equal(heard.codec.toLowerCase(), "audio/opus/48000");
      assert.ok(
        heard.bytes > heard.packets * 20,
        `Opus payloads, not empty packets (${heard.bytes} B)`,
      );
      assert.ok(heard.lost < 5, `${heard.lost} packets lost on loopback`);
      assert.ok(heard.samples > 48_000, `a second of sound decoded (${heard.samples} samples)`);
      // audiotestsrc's volume=0.3: the tone's amplitude came through the encode and the network.
      assert.ok(heard.level > 0.2 && heard.level < 0.4, `audioLevel ${heard.level}`);
      // The viewer counts what it sent on the audio section (in its next report).
      await until("the viewer's count of audio packets", async () => {
        const c = await (await fetch(`${eyrie.url}/api/cameras/tone`)).json();
        return (c.stats.viewer?.sessions[0]?.audioPacketsSent ?? 0) >= heard.packets
          ? true
          : undefined;
      });

      const page2 = await browser.newPage();
      await page2.route(
        `${eyrie.url}/page`,
        (r) => r.fulfill({ contentType: "text/html", body: PAGE }),
      );
      await page2.goto(`${eyrie.url}/page`);
      const muted = await page2.evaluate(
        (u) => (window as unknown as { connect(u: string): Promise<string> }).connect(u),
        `${eyrie.url}/api/cameras/mute/whep`,
      );
      assert.match(muted.slice(muted.indexOf("m=audio")), /a=inactive/);
    } finally {
      await browser.close();
      await Deno.remove(profile, { recursive: true });
      assert.equal(await eyrie.stop("SIGTERM"), 0);
    }
  },
});

Deno.test({
  name:
    "Chromium plays an RTSP camera's own Opus, passed through in its 40 ms frames (a non-zero audioLevel for the tone)",
  fn: async () => {
    await using cam = await startRtspCamera(closedPort(), { audio: "opus", opusFrameMs: 40 });
    await using cfg = await tempConfig(
      `[console]\nlisten = "127.0.0.1:0"\n[recording]\nenabled = false\n` +
        camera("door", cam.url),
    );
    const eyrie = await startEyrie(cfg.file);
    const profile = await Deno.makeTempDir({ prefix: "audio-chromium-" });
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_FLAGS, "--autoplay-policy=no-user-gesture-required"],
    });
    try {
      await viewerReady(eyrie.url, "door");
      const c = await until("door's audio live", async () => {
        const c = await (await fetch(`${eyrie.url}/api/cameras/door`)).json();
        return c.audio.state === "live" ? c : undefined;
      });
      assert.equal(c.audio.route.mode, "passthrough");
      const page = await browser.newPage();
      await page.route(
        `${eyrie.url}/page`,
        (r) => r.fulfill({ contentType: "text/html", body: PAGE }),
      );
      await page.goto(`${eyrie.url}/page`);
      const answer = await page.evaluate(
        (u) => (window as unknown as { connect(u: string): Promise<string> }).connect(u),
        `${eyrie.url}/api/cameras/door/whep`,
      );
      assert.match(answer.slice(answer.indexOf("m=audio")), /a=rtpmap:\d+ opus\/48000\/2/i);
      const heard = await until("the tone heard", async () => {
        const n = await page.evaluate(() =>
          (window as unknown as { heard(): Promise<Heard> }).heard()
        );
        return n.packets >= 50 && n.level > 0 ? n : undefined;
      }, 30_000);
      assert.equal(heard.codec.toLowerCase(), "audio/opus/48000");
      // The camera's packets: 40 ms at its opusenc's 64 kb/s, about 320 bytes each; eyrie's own
      // encoder would have sent 20 ms at 32 kb/s, about 80.
      const perPacket = heard.bytes / heard.packets;
      assert.ok(perPacket > 250, `${perPacket.toFixed(0)} bytes per packet`);
      // The camera's audiotestsrc volume=0.5, through its encoder and nothing of eyrie's.
      assert.ok(heard.level > 0.3 && heard.level < 0.7, `audioLevel ${heard.level}`);
    } finally {
      await browser.close();
      await Deno.remove(profile, { recursive: true });
      assert.equal(await eyrie.stop("SIGTERM"), 0);
    }
  },
});
