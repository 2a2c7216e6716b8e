/**
 * The Transport header (RFC 2326 12.39, RFC 7826 18.54): a client lists
 * the transports it takes, best first; the server picks one and says so in
 * its reply. eyrie serves RTP/AVP over UDP unicast (to the client's ports,
 * from the server's) and over the RTSP connection (TCP interleaved).
 *
 * @module
 */

/** Transport specs read from one header. Reason: clients offer one to three. */
export const MAX_TRANSPORT_SPECS = 8;

/** What a client asked for, in the form eyrie serves. */
export type TransportRequest =
  /** RTP to the client's `rtp` port, RTCP to its `rtcp` port. */
  | { lower: "udp"; rtp: number; rtcp: number }
  /** RTP and RTCP on the connection; `channels` null lets the server choose. */
  | { lower: "tcp"; channels: [number, number] | null };

export type TransportChoice =
  | { ok: true; transport: TransportRequest }
  /** No spec eyrie serves: the reason names what the client offered. */
  | { ok: false; reason: string };

/** Splits on `sep` outside double quotes. */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === sep && !quoted) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out;
}

/** "a" or "a-b" as numbers within [min, max]; null if it is neither. */
function range(value: string, min: number, max: number): [number, number | null] | null {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value);
  if (m === null) return null;
  const a = Number(m[1]);
  const b = m[2] === undefined ? null : Number(m[2]);
  if (a < min || a > max || (b !== null && (b < min || b > max))) return null;
  return [a, b];
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** One spec, or why not. */
function readSpec(spec: string): TransportChoice {
  const [protocol, ...rest] = spec.split(";").map((p) => p.trim());
  const upper = protocol.toUpperCase();
  const lower = upper === "RTP/AVP" || upper === "RTP/AVP/UDP"
    ? "udp"
    : upper === "RTP/AVP/TCP"
    ? "tcp"
    : null;
  if (lower === null) return { ok: false, reason: `${JSON.stringify(protocol)} is not served` };
  const params = new Map<string, string>();
  for (const p of rest) {
    if (p === "") continue;
    const eq = p.indexOf("=");
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    params.set(name, eq < 0 ? "" : unquote(p.slice(eq + 1).trim()));
  }
  if (params.has("multicast")) return { ok: false, reason: "multicast is not served" };
  if (params.has("destination") || params.has("dest_addr")) {
    // A client must not point the stream at a third party (RFC 2326 12.39's warning).
    return { ok: false, reason: "a destination other than the client is not served" };
  }
  const mode = params.get("mode");
  if (mode !== undefined && !mode.split(",").some((m) => m.trim().toUpperCase() === "PLAY")) {
    return { ok: false, reason: `mode ${JSON.stringify(mode)} is not served (only PLAY)` };
  }
  if (lower === "tcp") {
    const given = params.get("interleaved");
    if (given === undefined) return { ok: true, transport: { lower, channels: null } };
    const r = range(given, 0, 255);
    if (r === null) {
      return { ok: false, reason: `interleaved=${JSON.stringify(given)} is no channel pair` };
    }
    const [a, b] = r;
    const rtcp = b ?? a + 1;
    if (rtcp > 255 || rtcp === a) {
      return { ok: false, reason: `interleaved=${given} leaves no channel for RTCP` };
    }
    return { ok: true, transport: { lower, channels: [a, rtcp] } };
  }
  const ports = params.get("client_port");
  if (ports === undefined) return { ok: false, reason: "UDP needs client_port" };
  const r = range(ports, 1, 65535);
  if (r === null) {
    return { ok: false, reason: `client_port=${JSON.stringify(ports)} is no port pair` };
  }
  const [rtp, b] = r;
  const rtcp = b ?? rtp + 1;
  if (rtcp > 65535 || rtcp === rtp) {
    return { ok: false, reason: `client_port=${ports} leaves no port for RTCP` };
  }
  return { ok: true, transport: { lower, rtp, rtcp } };
}

/** The first spec of `header` that eyrie serves, or why none is. */
export function chooseTransport(header: string | undefined): TransportChoice {
  if (header === undefined || header.trim() === "") {
    return { ok: false, reason: "SETUP needs a Transport header" };
  }
  const specs = splitOutsideQuotes(header, ",").map((s) => s.trim()).filter((s) => s !== "");
  if (specs.length > MAX_TRANSPORT_SPECS) {
    return { ok: false, reason: `more than ${MAX_TRANSPORT_SPECS} transports offered` };
  }
  const reasons: string[] = [];
  for (const spec of specs) {
    const choice = readSpec(spec);
    if (choice.ok) return choice;
    reasons.push(choice.reason);
  }
  return { ok: false, reason: reasons.join("; ") || "no transport offered" };
}

/** What the server sends back: the chosen transport with its own ports and the stream's SSRC. */
export type TransportReply =
  | { lower: "udp"; rtp: number; rtcp: number; serverRtp: number; serverRtcp: number; ssrc: number }
  | { lower: "tcp"; channels: [number, number]; ssrc: number };

/** The reply's Transport header value. */
export function formatTransport(t: TransportReply): string {
  const ssrc = (t.ssrc >>> 0).toString(16).toUpperCase().padStart(8, "0");
  return t.lower === "udp"
    ? `RTP/AVP;unicast;client_port=${t.rtp}-${t.rtcp};server_port=${t.serverRtp}-${t.serverRtcp};ssrc=${ssrc};mode="PLAY"`
    : `RTP/AVP/TCP;unicast;interleaved=${t.channels[0]}-${t.channels[1]};ssrc=${ssrc};mode="PLAY"`;
}
