/// <reference lib="dom" />
/** A test page for Chromium that plays several WHEP sessions by name. */
import type { Page } from "playwright-core";

/** A page that plays WHEP sessions by name; with a proxy, the answer's candidate port is the proxy's (`makeProxy`). */
export const WHEP_PAGE = `<!doctype html><script>
window.pcs = {};
// Posts an offer; with a proxy, the answer's candidate port is the proxy's (the test makes it).
window.connect = async (name, url, viaProxy) => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver("video", { direction: "recvonly" });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => pc.iceGatheringState === "complete" ? r() :
    pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && r()));
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/sdp" }, body: pc.localDescription.sdp });
  if (res.status !== 201) throw new Error("WHEP " + res.status + " " + await res.text());
  let sdp = await res.text();
  if (viaProxy) {
    const m = / (127\\.0\\.0\\.1) (\\d+) typ host/.exec(sdp);
    const port = await window.makeProxy(Number(m[2]));
    sdp = sdp.replace(/ 127\\.0\\.0\\.1 \\d+ typ host/g, " 127.0.0.1 " + port + " typ host");
  }
  const v = document.createElement("video");
  v.muted = true; v.autoplay = true; v.playsInline = true;
  document.body.append(v);
  pc.ontrack = (e) => { v.srcObject = e.streams[0] || new MediaStream([e.track]); };
  await pc.setRemoteDescription({ type: "answer", sdp });
  window.pcs[name] = pc;
  window.answers[name] = sdp;
  return res.headers.get("location");
};
window.answers = {};
// The session's inbound-rtp video stats as Chromium reports them.
window.inbound = async (name) => {
  let out = null;
  (await window.pcs[name].getStats()).forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video") out = s;
  });
  return out;
};
window.decoded = async (name) => {
  let n = { frames: 0, width: 0, state: window.pcs[name].connectionState };
  (await window.pcs[name].getStats()).forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video") n = { ...n, frames: s.framesDecoded || 0, width: s.frameWidth || 0 };
  });
  return n;
};
</script>`;

export interface Decoded {
  frames: number;
  width: number;
  state: string;
}

/** What Chromium decoded of session `name`: frames, the last frame's width, its connection state. */
export function decoded(page: Page, name: string): Promise<Decoded> {
  return page.evaluate(
    (n) => (window as unknown as { decoded(n: string): Promise<Decoded> }).decoded(n),
    name,
  );
}

/** Starts session `name` on the page; resolves with its WHEP Location. */
export function connect(
  page: Page,
  name: string,
  url: string,
  viaProxy = false,
): Promise<string> {
  return page.evaluate(
    ([n, u, p]) =>
      (window as unknown as { connect(n: string, u: string, p: boolean): Promise<string> })
        .connect(n, u, p),
    [name, url, viaProxy] as [string, string, boolean],
  );
}

/** Chromium's inbound-rtp stats of session `name`'s video (RTCInboundRtpStreamStats), or null. */
export function inbound(page: Page, name: string): Promise<Record<string, number> | null> {
  return page.evaluate(
    (n) =>
      (window as unknown as { inbound(n: string): Promise<Record<string, number> | null> })
        .inbound(n),
    name,
  );
}

/** The answer session `name` was given (after the proxy's rewrite). */
export function answerOf(page: Page, name: string): Promise<string> {
  return page.evaluate(
    (n) => (window as unknown as { answers: Record<string, string> }).answers[n],
    name,
  );
}
