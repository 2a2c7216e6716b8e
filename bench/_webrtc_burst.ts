/// <reference lib="dom" />
// Browser-side half of the burst phase of bench/webrtc_bench.ts (run in Chromium with
// page.evaluate()): viewers that arrive together, as a WHEP player that does not retry would.
// Self-contained: Playwright sends the function's source text, not its closure.

/** One session's times from its POST, ms (-1: never reached), and the POST's status. */
export interface BurstTiming {
  status: number;
  answerMs: number;
  connectedMs: number;
  firstFrameMs: number;
  /** The server's own view of the session (offer → answer, ICE, DTLS, first keyframe packet). */
  server: Record<string, number | null> | null;
}

/**
 * `parallel` sessions started at once and kept playing, then `sequential` more one after another
 * (each closed after its first frame), all without retrying a refusal. Every session is timed
 * from its POST to the answer, to `connectionState` "connected" and to its first decoded frame.
 */
export async function burstSessions(
  args: { camera: string; parallel: number; sequential: number; timeoutMs: number },
): Promise<{ parallel: BurstTiming[]; sequential: BurstTiming[] }> {
  const decoded = async (pc: RTCPeerConnection) => {
    let n = 0;
    (await pc.getStats()).forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "video") n = s.framesDecoded ?? 0;
    });
    return n;
  };
  const serverView = async (location: string) => {
    const id = location.slice(location.lastIndexOf("/") + 1);
    for (let i = 0; i < 30; i++) {
      const res = await fetch(`/api/cameras/${args.camera}`);
      const sessions = (await res.json()).stats?.viewer?.sessions ?? [];
      const s = sessions.find((x: { id: string }) => x.id === id);
      if (s?.firstFrameMs !== null && s?.firstFrameMs !== undefined) return s.timeline ?? s;
      await new Promise((r) => setTimeout(r, 100));
    }
    return null;
  };
  const one = async () => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver("video", { direction: "recvonly" });
    await pc.setLocalDescription(await pc.createOffer());
    const t0 = performance.now();
    const timing: BurstTiming = {
      status: 0,
      answerMs: -1,
      connectedMs: -1,
      firstFrameMs: -1,
      server: null,
    };
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "connected") timing.connectedMs = performance.now() - t0;
    });
    const res = await fetch(`/api/cameras/${args.camera}/whep`, {
      method: "POST",
      headers: { "content-type": "application/sdp" },
      body: pc.localDescription!.sdp,
    });
    timing.status = res.status;
    if (res.status !== 201) {
      await res.body?.cancel();
      pc.close();
      return { timing, pc: null, location: null };
    }
    const location = res.headers.get("location")!;
    const answer = await res.text();
    timing.answerMs = performance.now() - t0;
    await pc.setRemoteDescription({ type: "answer", sdp: answer });
    while (performance.now() - t0 < args.timeoutMs) {
      if (await decoded(pc) > 0) {
        timing.firstFrameMs = performance.now() - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return { timing, pc, location };
  };
  const first = await Promise.all(Array.from({ length: args.parallel }, one));
  const parallel = first.map((s) => s.timing);
  for (const s of first) if (s.location !== null) s.timing.server = await serverView(s.location);
  const sequential: BurstTiming[] = [];
  for (let i = 0; i < args.sequential; i++) {
    const s = await one();
    if (s.location !== null) {
      s.timing.server = await serverView(s.location);
      s.pc?.close();
      await fetch(s.location, { method: "DELETE" });
    }
    sequential.push(s.timing);
  }
  for (const s of first) {
    s.pc?.close();
    if (s.location !== null) await fetch(s.location, { method: "DELETE" });
  }
  return { parallel, sequential };
}

/**
 * The anchor: `n` viewers of Janus's streaming mountpoint 1 started at once over its HTTP API,
 * each timed from its `watch` request to its first decoded frame; closed afterwards.
 */
export async function janusBurst(
  args: { base: string; n: number; timeoutMs: number },
): Promise<number[]> {
  const post = async (path: string, body: Record<string, unknown>) => {
    const transaction = Math.random().toString(36).slice(2);
    const res = await fetch(args.base + path, {
      method: "POST",
      body: JSON.stringify({ ...body, transaction }),
    });
    return await res.json();
  };
  const decoded = async (pc: RTCPeerConnection) => {
    let n = 0;
    (await pc.getStats()).forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "video") n = s.framesDecoded ?? 0;
    });
    return n;
  };
  const one = async () => {
    const session = (await post("", { janus: "create" })).data.id;
    const handle =
      (await post(`/${session}`, { janus: "attach", plugin: "janus.plugin.streaming" })).data.id;
    const t0 = performance.now();
    await post(`/${session}/${handle}`, { janus: "message", body: { request: "watch", id: 1 } });
    let jsep: RTCSessionDescriptionInit | null = null;
    while (jsep === null) {
      const events = await (await fetch(`${args.base}/${session}?maxev=5&rid=${Date.now()}`))
        .json();
      for (const e of [].concat(events) as Array<{ jsep?: RTCSessionDescriptionInit }>) {
        if (e.jsep) jsep = e.jsep;
      }
    }
    const pc = new RTCPeerConnection();
    await pc.setRemoteDescription(jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === "complete") resolve();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && resolve();
      setTimeout(resolve, 2000);
    });
    await post(`/${session}/${handle}`, {
      janus: "message",
      body: { request: "start" },
      jsep: pc.localDescription,
    });
    let ms = -1;
    while (performance.now() - t0 < args.timeoutMs) {
      if (await decoded(pc) > 0) {
        ms = performance.now() - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return { ms, pc, session };
  };
  const got = await Promise.all(Array.from({ length: args.n }, one));
  for (const g of got) {
    g.pc.close();
    await post(`/${g.session}`, { janus: "destroy" });
  }
  return got.map((g) => g.ms);
}
