/// <reference lib="dom" />
/**
 * Full ICE through a real TURN server: Debian's coturn on loopback, eyrie
 * with `[webrtc] ice_servers` (static credentials, then TURN REST ones from
 * a shared secret), and Chromium forced to relay (`iceTransportPolicy:
 * "relay"`) decoding the camera. eyrie gathers its own relay candidate
 * (werift's TURN client), hands the servers out in `Link` headers, and the
 * console's player trickles over `PATCH`; relayed pairs go out on werift's
 * path, not eyrie's direct one.
 */
import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { viewerReady, viewerStats } from "../http/_whep.ts";
import { launchChromium } from "../../_chromium.ts";
import { coturnInstalled, startCoturn } from "../../_coturn.ts";

const CAMERA = `
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[[camera]]
id = "front"
source = "test"
width = 320
height = 240
fps = 15
encoder = "x264"
`;

/** Frames to decode. Reason: two seconds of video proves the relay carries a stream, not a frame. */
const FRAMES = 30;

interface Played {
  direct: boolean | null;
  frames: number;
  localType: string | null;
  remoteType: string | null;
  answerRelay: boolean;
  answerLite: boolean;
  servers: { urls: string; username?: string }[];
}

async function playRelayed(webrtc: string): Promise<{ played: Played; link: string }> {
  await using cfg = await tempConfig(CAMERA + webrtc);
  const eyrie = await startEyrie(cfg.file);
  await using browser = await launchChromium();
  try {
    await viewerReady(eyrie.url, "front");
    const options = await fetch(`${eyrie.url}/api/cameras/front/whep`, { method: "OPTIONS" });
    assert.equal(options.status, 204);
    const link = options.headers.get("link") ?? "";
    const page = await browser.newPage();
    await page.goto(`${eyrie.url}/latency?camera=none`);
    const played = await page.evaluate(async (want) => {
      type Whep = {
        connect(v: HTMLVideoElement, id: string, o: object): Promise<{ pc: RTCPeerConnection }>;
        iceServersOf(link: string): { urls: string; username?: string }[];
      };
      const w = (window as unknown as { eyrieWhep: Whep }).eyrieWhep;
      const video = document.createElement("video");
      video.muted = true;
      document.body.appendChild(video);
      const { pc } = await w.connect(video, "front", { iceTransportPolicy: "relay" });
      const t0 = performance.now();
      let frames = 0;
      let localType: string | null = null;
      let remoteType: string | null = null;
      while (performance.now() - t0 < 20_000 && frames < want) {
        await new Promise((r) => setTimeout(r, 200));
        const stats = await pc.getStats();
        stats.forEach((s) => {
          if (s.type === "inbound-rtp" && s.kind === "video") frames = s.framesDecoded ?? 0;
          if (s.type === "candidate-pair" && s.nominated && s.state === "succeeded") {
            localType = stats.get(s.localCandidateId)?.candidateType ?? null;
            remoteType = stats.get(s.remoteCandidateId)?.candidateType ?? null;
          }
        });
      }
      const answer = pc.remoteDescription?.sdp ?? "";
      return {
        direct: null as boolean | null,
        frames,
        localType,
        remoteType,
        answerRelay: / typ relay /.test(answer),
        answerLite: /a=ice-lite/.test(answer),
        servers: w.iceServersOf(
          (await fetch("/api/cameras/front/whep", { method: "OPTIONS" })).headers.get("link") ?? "",
        ),
      };
    }, FRAMES);
    const sessions = ((await viewerStats(eyrie.url, "front")).sessions ?? []) as {
      direct: boolean;
    }[];
    played.direct = sessions.length === 1 ? sessions[0].direct : null;
    return { played, link };
  } finally {
    await eyrie.stop();
  }
}

Deno.test({
  name: "Chromium forced to relay plays a camera through coturn with static TURN credentials",
  ignore: !coturnInstalled(),
  async fn() {
    await using turn = await startCoturn({ user: "alice", password: "s3cret" });
    const { played, link } = await playRelayed(`
[webrtc]
ice_servers = ["turn:alice:s3cret@127.0.0.1:${turn.port}"]
`);
    assert.equal(
      link,
      `<turn:127.0.0.1:${turn.port}>; rel="ice-server"; username="alice"; credential="s3cret"; ` +
        `credential-type="password"`,
    );
    assert.deepEqual(played.servers, [{
      urls: `turn:127.0.0.1:${turn.port}`,
      username: "alice",
      credential: "s3cret",
    }]);
    assert.ok(played.frames >= FRAMES, `${played.frames} frames decoded\n${turn.logs()}`);
    assert.equal(played.localType, "relay", "the browser's end of the pair is its relay");
    assert.ok(played.answerRelay, "eyrie gathered a relay candidate of its own");
    assert.ok(!played.answerLite, "a full ICE agent, not ICE lite");
    assert.equal(played.direct, played.remoteType !== "relay", "direct path unless eyrie relays");
  },
});

Deno.test({
  name: "TURN REST credentials from a shared secret let Chromium relay through coturn",
  ignore: !coturnInstalled(),
  async fn() {
    await using turn = await startCoturn({ secret: "shared-secret" });
    const { played } = await playRelayed(`
[webrtc]
ice_servers = ["stun:127.0.0.1:${turn.port}", "turn:127.0.0.1:${turn.port}?transport=udp"]
turn_secret = "shared-secret"
turn_ttl_s = 600
`);
    const [stun, rest] = played.servers;
    assert.deepEqual(stun, { urls: `stun:127.0.0.1:${turn.port}` });
    assert.match(rest.username ?? "", /^\d+:eyrie$/);
    const expiry = Number(rest.username!.split(":")[0]);
    assert.ok(Math.abs(expiry - (Date.now() / 1000 + 600)) < 60, "expires in turn_ttl_s");
    assert.ok(played.frames >= FRAMES, `${played.frames} frames decoded\n${turn.logs()}`);
    assert.equal(played.localType, "relay");
    assert.ok(played.answerRelay);
  },
});

Deno.test({
  name: "A pair relayed at both ends (only relay-to-relay crosses) plays on werift's send path",
  ignore: !coturnInstalled(),
  async fn() {
    await using turn = await startCoturn({ user: "carol", password: "pw" }, { relayOnly: true });
    const { played } = await playRelayed(`
[webrtc]
ice_servers = ["turn:carol:pw@127.0.0.1:${turn.port}"]
`);
    assert.ok(played.frames >= FRAMES, `${played.frames} frames decoded\n${turn.logs()}`);
    assert.equal(played.localType, "relay");
    assert.equal(played.remoteType, "relay", "eyrie's end of the pair is its own relay");
    assert.equal(played.direct, false, "relayed by eyrie: werift's path, not the direct one");
  },
});
