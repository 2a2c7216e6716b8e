/// <reference lib="dom" />
/**
 * Fault: an actor of a running camera throws, hangs, or has its Worker
 * terminated, while a Chromium WHEP viewer watches. An actor that throws is
 * restarted on its own (the camera's actors share only rings); a Worker that
 * hangs or is terminated takes the actors it hosts (the encoder's takes the
 * camera and the audio actor: they run in the camera's media Worker) and they
 * restart together.
 * Either way the viewer keeps its session and sees video again, from a
 * keyframe.
 */
import assert from "node:assert/strict";
import { System } from "../../actors/system/mod.ts";
import { ActorProcess } from "../../actors/runtime/mod.ts";
import type { Child, SupervisorEvent } from "../../actors/supervisor/mod.ts";
import { parseConfig } from "../../ui/config/mod.ts";
import { createApp } from "../../ui/http/app.ts";
import { serve } from "../../ui/http/serve.ts";
import { launchChromium } from "../_chromium.ts";
import { viewerReady } from "../ui/http/_whep.ts";

const WHEP_PAGE = `<!doctype html><video id=v muted autoplay playsinline></video><script>
window.connect = async (url) => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver("video", { direction: "recvonly" });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => pc.iceGatheringState === "complete" ? r() :
    pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && r()));
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/sdp" }, body: pc.localDescription.sdp });
  if (res.status !== 201) throw new Error("WHEP " + res.status + " " + await res.text());
  await pc.setRemoteDescription({ type: "answer", sdp: await res.text() });
  pc.ontrack = (e) => { document.getElementById("v").srcObject = e.streams[0] || new MediaStream([e.track]); };
  window.pc = pc;
};
window.decoded = async () => {
  let n = { frames: 0, keyframes: 0 };
  (await window.pc.getStats()).forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video") n = { frames: s.framesDecoded || 0, keyframes: s.keyFramesDecoded || 0 };
  });
  return { ...n, state: window.pc.connectionState };
};
</script>`;

/** The actor at `path` ("front/encoder", "front/outputs/live/packetizer"), if it is running. */
// deno-lint-ignore no-explicit-any
function actorAt(system: System, path: string): ActorProcess<any> | undefined {
  const [camera, ...rest] = path.split("/");
  let node: Child | undefined = system.root!.child(camera);
  for (const part of rest) {
    node = (node as { child?: (id: string) => Child | undefined })?.child?.(part);
  }
  return node instanceof ActorProcess && node.exit === undefined ? node : undefined;
}

/** The running actor at `path`, waiting while a restart (of its Worker's neighbour) settles. */
// deno-lint-ignore no-explicit-any
async function runningAt(system: System, path: string): Promise<ActorProcess<any>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const actor = actorAt(system, path);
    if (actor !== undefined) return actor;
    if (Date.now() > deadline) throw new Error(`No running actor at ${path}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("an actor that throws restarts alone, a Worker that hangs or is terminated restarts what it hosts; a WHEP viewer in Chromium keeps its session and sees video again", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "eyrie-faults-" });
  const config = parseConfig(
    `data_dir = "${dataDir}"\n[recording]\nsegment_s = 600\n` +
      `[[camera]]\nid = "front"\nsource = "test"\npattern = "ball"\nwidth = 320\nheight = 240\nfps = 15\nencoder = "x264"\n`,
    "",
  );
  const system = await System.start({ config, log: () => {} });
  const events: SupervisorEvent[] = [];
  system.events.subscribe((e) => events.push(e));
  const server = await serve(createApp(system), { hostname: "127.0.0.1", port: 0 });
  await using browser = await launchChromium();
  try {
    await viewerReady(server.url, "front");
    const page = await browser.newPage();
    await page.route(
      `${server.url}/whep-test`,
      (r) => r.fulfill({ contentType: "text/html", body: WHEP_PAGE }),
    );
    await page.goto(`${server.url}/whep-test`);
    await page.evaluate(
      (url) => (window as unknown as { connect(u: string): Promise<void> }).connect(url),
      `${server.url}/api/cameras/front/whep`,
    );
    const decoded = () =>
      page.evaluate(() =>
        (window as unknown as {
          decoded(): Promise<{ frames: number; keyframes: number; state: string }>;
        })
          .decoded()
      );
    const framesAbove = async (n: number, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const d = await decoded();
        if (d.frames > n) return d;
        if (Date.now() > deadline) {
          throw new Error(`No frame past ${n} within ${timeoutMs} ms (${JSON.stringify(d)})`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await framesAbove(15, 15_000);

    const cases: { path: string; fault: "throw" | "hang" | "kill" }[] = [
      { path: "front/encoder", fault: "throw" },
      { path: "front/encoder", fault: "kill" },
      { path: "front/camera", fault: "throw" },
      { path: "front/outputs/live/packetizer", fault: "throw" },
      { path: "front/encoder", fault: "hang" },
    ];
    const report: string[] = [];
    const viewerBefore = await runningAt(system, "front/outputs/live/viewer");
    for (const { path, fault } of cases) {
      const child = path.split("/").at(-1)!;
      const actor = await runningAt(system, path);
      const startsBefore = events.filter((e) =>
        e.type === "child_started" && e.child === child
      ).length;
      const before = await decoded();
      const t0 = performance.now();
      if (fault === "kill") actor.kill();
      else actor.injectFault(fault);
      // Restarted: a new instance of that child started (the hang is found by the heartbeat first).
      const deadline = Date.now() + 30_000;
      while (
        events.filter((e) => e.type === "child_started" && e.child === child).length ===
          startsBefore
      ) {
        if (Date.now() > deadline) throw new Error(`${path} was not restarted after ${fault}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const restartedMs = performance.now() - t0;
      assert.notEqual(await runningAt(system, path), actor, `${path} is a new instance`);
      // The same session decodes again, from a new keyframe.
      const frames = (await decoded()).frames;
      const after = await framesAbove(frames + 5, 10_000);
      const videoMs = performance.now() - t0;
      assert.equal(after.state, "connected", `${path} ${fault}: the session survived`);
      assert.ok(after.frames > before.frames);
      report.push(
        `${path} ${fault}: restarted ${Math.round(restartedMs)} ms, video ${
          Math.round(videoMs)
        } ms`,
      );
    }
    // Nothing else restarted: each fault restarted its own actor only.
    const others = events.filter((e) =>
      e.type === "restarting" &&
      e.children.some((c) => !["encoder", "camera", "audio", "packetizer"].includes(c))
    );
    assert.deepEqual(others, []);
    const viewer = actorAt(system, "front/outputs/live/viewer");
    assert.equal(viewer, viewerBefore, "the viewer actor never restarted");
    console.log(report.join("\n"));
  } finally {
    await server.close();
    await system.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
