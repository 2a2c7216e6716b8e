/// <reference lib="dom" />
/**
 * A browser viewer of a Janus streaming mountpoint, run in Chromium with
 * page.evaluate() on a page of Janus's own origin (Chromium lets no other
 * page reach loopback): create a session, attach to the streaming plugin,
 * watch `id`, answer Janus's offer, and wait until `frames` were decoded.
 * Self-contained: Playwright sends the function's source, not its closure.
 *
 * @module
 */

/** Frames decoded by a new viewer of mountpoint `id` within `timeoutMs` (at least `frames`, or fewer on timeout). */
export async function watchJanus(
  args: { base: string; id: number; frames: number; timeoutMs: number },
): Promise<{ decoded: number; width: number; error: string | null }> {
  const post = async (path: string, body: Record<string, unknown>) => {
    const res = await fetch(args.base + path, {
      method: "POST",
      body: JSON.stringify({ ...body, transaction: Math.random().toString(36).slice(2) }),
    });
    return await res.json();
  };
  const t0 = performance.now();
  const left = () => args.timeoutMs - (performance.now() - t0);
  const session = (await post("", { janus: "create" })).data.id;
  const handle = (await post(`/${session}`, { janus: "attach", plugin: "janus.plugin.streaming" }))
    .data.id;
  const keepalive = setInterval(() => post(`/${session}`, { janus: "keepalive" }), 10_000);
  const pc = new RTCPeerConnection();
  try {
    await post(`/${session}/${handle}`, {
      janus: "message",
      body: { request: "watch", id: args.id },
    });
    let jsep: RTCSessionDescriptionInit | null = null;
    let error: string | null = null;
    while (jsep === null && error === null && left() > 0) {
      const events = await (await fetch(`${args.base}/${session}?maxev=5&rid=${Date.now()}`))
        .json();
      for (const e of [].concat(events) as Array<Record<string, unknown>>) {
        const data = (e.plugindata as { data?: { error?: string } } | undefined)?.data;
        if (data?.error) error = data.error;
        if (e.jsep) jsep = e.jsep as RTCSessionDescriptionInit;
      }
    }
    if (jsep === null) return { decoded: 0, width: 0, error: error ?? "no offer from Janus" };
    const video = document.createElement("video");
    video.muted = true;
    video.autoplay = true;
    document.body.appendChild(video);
    pc.ontrack = (e) => (video.srcObject = new MediaStream([e.track]));
    await pc.setRemoteDescription(jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    await post(`/${session}/${handle}`, {
      janus: "message",
      body: { request: "start" },
      jsep: pc.localDescription,
    });
    let decoded = 0;
    while (left() > 0) {
      (await pc.getStats()).forEach((s) => {
        if (s.type === "inbound-rtp" && s.kind === "video") decoded = s.framesDecoded ?? 0;
      });
      if (decoded >= args.frames) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return { decoded, width: video.videoWidth, error: null };
  } finally {
    clearInterval(keepalive);
    pc.close();
    await post(`/${session}`, { janus: "destroy" }).catch(() => {});
  }
}
