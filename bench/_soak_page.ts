/// <reference lib="dom" />
// Browser-side half of bench/soak_bench.ts (run in Chromium with page.evaluate()): one viewer
// that stays, and viewers that join and leave every few seconds, as a WHEP player would.
// Self-contained: Playwright sends the function's source text, not its closure. The counts are
// on window.soak, which the bench reads as it samples.

export interface SoakCounts {
  /** Sessions the churn started (POST answered 201). */
  started: number;
  /** …that decoded a frame within 10 s. */
  decoded: number;
  /** …that did not. */
  failed: number;
  /** POSTs not answered 201 (each retried after its Retry-After). */
  refused: number;
  /** The staying viewer's decoded frames. */
  residentFrames: number;
  /** Churn cycles running (0 once stopped). */
  running: number;
}

/** Starts the staying viewer and `churners` churn loops; returns at once. */
export async function startSoak(
  args: { camera: string; churners: number; holdMs: number; gapMs: number },
): Promise<void> {
  const w = window as unknown as { soak: SoakCounts; soakStop: boolean };
  w.soak = { started: 0, decoded: 0, failed: 0, refused: 0, residentFrames: 0, running: 0 };
  w.soakStop = false;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const frames = async (pc: RTCPeerConnection) => {
    let n = 0;
    (await pc.getStats()).forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "video") n = s.framesDecoded ?? 0;
    });
    return n;
  };
  // One session: offer, POST (retrying a refusal after its Retry-After), answer.
  const join = async (video?: HTMLVideoElement) => {
    for (;;) {
      const pc = new RTCPeerConnection();
      pc.addTransceiver("video", { direction: "recvonly" });
      if (video !== undefined) pc.ontrack = (e) => (video.srcObject = new MediaStream([e.track]));
      await pc.setLocalDescription(await pc.createOffer());
      const res = await fetch(`/api/cameras/${args.camera}/whep`, {
        method: "POST",
        headers: { "content-type": "application/sdp" },
        body: pc.localDescription!.sdp,
      });
      if (res.status === 201) {
        const location = res.headers.get("location")!;
        await pc.setRemoteDescription({ type: "answer", sdp: await res.text() });
        return { pc, location };
      }
      w.soak.refused++;
      pc.close();
      await res.body?.cancel();
      await sleep(1000 * Number(res.headers.get("retry-after") ?? 2));
    }
  };
  const leave = async (s: { pc: RTCPeerConnection; location: string }) => {
    s.pc.close();
    await fetch(s.location, { method: "DELETE" });
  };

  const player = document.createElement("video");
  player.muted = true;
  player.autoplay = true;
  document.body.appendChild(player);
  const resident = await join(player);
  (async () => {
    while (!w.soakStop) {
      w.soak.residentFrames = await frames(resident.pc);
      await sleep(1000);
    }
    await leave(resident);
  })();

  for (let c = 0; c < args.churners; c++) {
    w.soak.running++;
    (async () => {
      await sleep((c * (args.holdMs + args.gapMs)) / args.churners);
      while (!w.soakStop) {
        const s = await join();
        w.soak.started++;
        const t0 = performance.now();
        let ok = false;
        while (performance.now() - t0 < 10_000) {
          if (await frames(s.pc) > 0) {
            ok = true;
            break;
          }
          await sleep(20);
        }
        if (ok) w.soak.decoded++;
        else w.soak.failed++;
        await sleep(args.holdMs);
        await leave(s);
        await sleep(args.gapMs);
      }
      w.soak.running--;
    })();
  }
}
