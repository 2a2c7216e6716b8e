/// <reference lib="dom" />
/** A test page for Chromium that plays several WHEP sessions by name. */
import type { Page } from "playwright-core";

/** A page that plays WHEP sessions by name; with a proxy, the answer's candidate port is the proxy's (`makeProxy`). */
export const WHEP_PAGE = `<!doctype html><script>
window.pcs = {};
// Posts an offer; with a proxy, the answer's candidate port is the proxy's (the test makes it).
// noFec: the offer sent leaves out RED, its RTX and ULPFEC (a viewer that cannot take FEC).
window.connect = async (name, url, viaProxy, noFec) => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver("video", { direction: "recvonly" });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => pc.iceGatheringState === "complete" ? r() :
    pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && r()));
  let body = pc.localDescription.sdp;
  if (noFec) {
    const lines = body.split("\\r\\n");
    const pts = lines.filter((l) => / (red|ulpfec)\\/90000$/.test(l)).map((l) => l.slice(9, l.indexOf(" ")));
    for (const l of lines) {
      const m = /^a=fmtp:(\\d+) apt=(\\d+)$/.exec(l);
      if (m !== null && pts.includes(m[2])) pts.push(m[1]);
    }
    body = lines.filter((l) => !pts.some((pt) => new RegExp("^a=(rtpmap|fmtp|rtcp-fb):" + pt + " ").test(l)))
      .map((l) => l.startsWith("m=video ") ? l.split(" ").filter((f, i) => i < 3 || !pts.includes(f)).join(" ") : l)
      .join("\\r\\n");
  }
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/sdp" }, body });
  if (res.status !== 201) throw new Error("WHEP " + res.status + " " + await res.text());
  let sdp = await res.text();
  if (viaProxy) {
    const m = / (127\\.0\\.0\\.1) (\\d+) typ host/.exec(sdp);
    const port = await window.makeProxy(Number(m[2]), name);
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

/** Starts session `name` on the page (`noFec`: its offer without RED/ULPFEC); resolves with its WHEP Location. */
export function connect(
  page: Page,
  name: string,
  url: string,
  viaProxy = false,
  noFec = false,
): Promise<string> {
  return page.evaluate(
    ([n, u, p, f]) =>
      (window as unknown as {
        connect(n: string, u: string, p: boolean, f: boolean): Promise<string>;
      }).connect(n, u, p, f),
    [name, url, viaProxy, noFec] as [string, string, boolean, boolean],
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
