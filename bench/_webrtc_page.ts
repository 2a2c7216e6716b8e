/// <reference lib="dom" />
// Browser-side halves of bench/webrtc_bench.ts, run in Chromium with page.evaluate(). Each
// function is self-contained: Playwright sends its source text, not its closure.

/**
 * `count` WHEP sessions one after another: offer, POST (the clock starts), answer, wait for the
 * first decoded frame (polled every 5 ms), close, DELETE. Returns each one's time or -1.
 */
export async function sequentialSessions(
  args: { camera: string; count: number; timeoutMs: number },
): Promise<number[]> {
  const frames = async (pc: RTCPeerConnection) => {
    let n = 0;
    (await pc.getStats()).forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "video") n = s.framesDecoded ?? 0;
    });
    return n;
  };
  const out: number[] = [];
  for (let i = 0; i < args.count; i++) {
    const pc = new RTCPeerConnection();
    pc.addTransceiver("video", { direction: "recvonly" });
    await pc.setLocalDescription(await pc.createOffer());
    let t0 = performance.now();
    let res = await fetch(`/api/cameras/${args.camera}/whep`, {
      method: "POST",
      headers: { "content-type": "application/sdp" },
      body: pc.localDescription!.sdp,
    });
    // 503 + Retry-After: the viewer Worker is busy; wait as a client should, then time afresh.
    for (
      let attempt = 0;
      res.status === 503 && res.headers.has("retry-after") && attempt < 10;
      attempt++
    ) {
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get("retry-after"))));
      t0 = performance.now();
      res = await fetch(`/api/cameras/${args.camera}/whep`, {
        method: "POST",
        headers: { "content-type": "application/sdp" },
        body: pc.localDescription!.sdp,
      });
    }
    if (res.status !== 201) {
      out.push(-1);
      pc.close();
      continue;
    }
    const location = res.headers.get("location")!;
    await pc.setRemoteDescription({ type: "answer", sdp: await res.text() });
    let ms = -1;
    while (performance.now() - t0 < args.timeoutMs) {
      if (await frames(pc) > 0) {
        ms = performance.now() - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    out.push(ms);
    pc.close();
    await fetch(location, { method: "DELETE" });
  }
  return out;
}

/** Adds `n` WHEP viewers (kept on window.benchViewers), each playing into a <video>. */
export async function addWhepViewers(args: { camera: string; n: number }): Promise<number> {
  const w = window as unknown as { benchViewers?: RTCPeerConnection[] };
  w.benchViewers ??= [];
  for (let i = 0; i < args.n; i++) {
    const pc = new RTCPeerConnection();
    pc.addTransceiver("video", { direction: "recvonly" });
    const video = document.createElement("video");
    video.muted = true;
    video.autoplay = true;
    document.body.appendChild(video);
    pc.ontrack = (e) => (video.srcObject = new MediaStream([e.track]));
    await pc.setLocalDescription(await pc.createOffer());
    for (let attempt = 0;; attempt++) {
      const res = await fetch(`/api/cameras/${args.camera}/whep`, {
        method: "POST",
        headers: { "content-type": "application/sdp" },
        body: pc.localDescription!.sdp,
      });
      const retry = Number(res.headers.get("retry-after") ?? 0);
      if (res.status === 503 && retry > 0 && attempt < 20) {
        await res.body?.cancel();
        await new Promise((r) => setTimeout(r, retry * 1000));
        continue;
      }
      if (res.status !== 201) throw new Error(`WHEP POST: ${res.status} ${await res.text()}`);
      await pc.setRemoteDescription({ type: "answer", sdp: await res.text() });
      break;
    }
    w.benchViewers.push(pc);
  }
  return w.benchViewers.length;
}

/** Adds `n` viewers of Janus's streaming mountpoint 1 over its HTTP API (window.benchViewers). */
export async function addJanusViewers(args: { base: string; n: number }): Promise<number> {
  const w = window as unknown as { benchViewers?: RTCPeerConnection[] };
  w.benchViewers ??= [];
  const post = async (path: string, body: Record<string, unknown>) => {
    const transaction = Math.random().toString(36).slice(2);
    const res = await fetch(args.base + path, {
      method: "POST",
      body: JSON.stringify({ ...body, transaction }),
    });
    return await res.json();
  };
  for (let i = 0; i < args.n; i++) {
    const session = (await post("", { janus: "create" })).data.id;
    const handle =
      (await post(`/${session}`, { janus: "attach", plugin: "janus.plugin.streaming" }))
        .data.id;
    setInterval(() => post(`/${session}`, { janus: "keepalive" }), 15_000);
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
    const video = document.createElement("video");
    video.muted = true;
    video.autoplay = true;
    document.body.appendChild(video);
    pc.ontrack = (e) => (video.srcObject = new MediaStream([e.track]));
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
    w.benchViewers.push(pc);
  }
  return w.benchViewers.length;
}

/** Waits until every viewer has decoded at least `frames`; returns each one's count. */
export async function waitDecoding(args: { frames: number; timeoutMs: number }): Promise<number[]> {
  const w = window as unknown as { benchViewers?: RTCPeerConnection[] };
  const count = async (pc: RTCPeerConnection) => {
    let n = 0;
    (await pc.getStats()).forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "video") n = s.framesDecoded ?? 0;
    });
    return n;
  };
  const t0 = performance.now();
  let got: number[] = [];
  while (performance.now() - t0 < args.timeoutMs) {
    got = await Promise.all((w.benchViewers ?? []).map(count));
    if (got.every((n) => n >= args.frames)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return got;
}

/** RTP packets (video) every viewer has received so far, summed (RTCInboundRtpStreamStats). */
export async function packetsReceived(): Promise<number> {
  const w = window as unknown as { benchViewers?: RTCPeerConnection[] };
  let total = 0;
  for (const pc of w.benchViewers ?? []) {
    (await pc.getStats()).forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "video") total += s.packetsReceived ?? 0;
    });
  }
  return total;
}
