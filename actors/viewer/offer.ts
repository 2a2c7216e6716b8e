/**
 * A WHEP offer checked and narrowed before werift sees it: bounded, one
 * receiving video section, ICE and DTLS attributes present, and exactly one
 * H.264 format left in it (packetization-mode=1, the most baseline profile
 * on offer), without transport-cc so the browser estimates bandwidth itself
 * and sends REMB (see abr.ts). werift answers with the remote's codec entry
 * as is, so narrowing the offer is how the answer gets the right one.
 *
 * @module
 */

/** Largest offer accepted. Reason: a browser's offer is 5–7 KB; WHEP servers commonly allow 64 KB. */
export const MAX_SDP_BYTES = 64 * 1024;
/** Most m= sections in an offer. Reason: a WHEP viewer offers video and perhaps audio. */
export const MAX_MEDIA_SECTIONS = 4;

/** Why an offer was refused. */
export type OfferProblem =
  | "too_large"
  | "not_sdp"
  | "no_video"
  | "several_video"
  | "unsupported_media"
  | "not_webrtc"
  | "not_receiving"
  | "no_ice_credentials"
  | "no_fingerprint"
  | "no_rtcp_mux"
  | "no_h264"
  | "no_opus";

/** An offer eyrie cannot answer, with the reason in a sentence and as a value. */
export class OfferError extends SyntaxError {
  override name = "OfferError";
  readonly problem: OfferProblem;
  constructor(problem: OfferProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

export interface CheckedOffer {
  /** The offer narrowed to one H.264 format, CRLF line ends. */
  sdp: string;
  /** The browser's payload type for that format. */
  payloadType: number;
  /** Its profile-level-id, 6 lowercase hex digits. */
  profileLevelId: string;
  /** The offer also has an audio section (answered inactive). */
  audio: boolean;
  /** The browser's RED and ULPFEC payload types (RFC 2198, RFC 5109), or null when it offers none. */
  fec: FecPayloadTypes | null;
}

/** The payload types of RED and of the ULPFEC inside it, as the browser offered them. */
export interface FecPayloadTypes {
  red: number;
  ulpfec: number;
}

interface Section {
  /** The m= line, or "" for the session part. */
  m: string;
  lines: string[];
}

/** H.264 profile_idc in profile-level-id, best first: our encoder sends constrained baseline. */
const PROFILE_RANK: Record<string, number> = { "42": 0, "4d": 1, "64": 2 };

function sections(lines: string[]): Section[] {
  const out: Section[] = [{ m: "", lines: [] }];
  for (const line of lines) {
    if (line.startsWith("m=")) out.push({ m: line, lines: [] });
    else out[out.length - 1].lines.push(line);
  }
  return out;
}

function has(lines: string[], prefix: string): boolean {
  return lines.some((l) => l.startsWith(prefix));
}

function fmtpParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of value.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return params;
}

/** Rank of one H.264 format (lower is better), or -1 when we cannot send it. */
function h264Rank(fmtp: string | undefined): { rank: number; profileLevelId: string } {
  const p = fmtpParams(fmtp ?? "");
  // RFC 6184 8.1: absent packetization-mode means 0 (single NAL units only), absent
  // profile-level-id means 420010 (baseline, level 1.0).
  if ((p.get("packetization-mode") ?? "0") !== "1") return { rank: -1, profileLevelId: "" };
  const id = (p.get("profile-level-id") ?? "420010").toLowerCase();
  if (!/^[0-9a-f]{6}$/.test(id)) return { rank: -1, profileLevelId: "" };
  const profile = PROFILE_RANK[id.slice(0, 2)];
  if (profile === undefined) return { rank: -1, profileLevelId: "" };
  // Within baseline, a constrained-baseline entry (constraint_set1 set) is the exact match.
  const constrained = id.startsWith("42") && (parseInt(id.slice(2, 4), 16) & 0x40) !== 0;
  return { rank: profile * 2 + (constrained || !id.startsWith("42") ? 0 : 1), profileLevelId: id };
}

function pickH264(video: Section): { pt: number; profileLevelId: string } | null {
  const formats = video.m.split(" ").slice(3);
  let best: { pt: number; profileLevelId: string; rank: number } | null = null;
  for (const f of formats) {
    const rtpmap = video.lines.find((l) => l.startsWith(`a=rtpmap:${f} `));
    if (rtpmap === undefined || !/^h264\/90000$/i.test(rtpmap.slice(rtpmap.indexOf(" ") + 1))) {
      continue;
    }
    const fmtp = video.lines.find((l) => l.startsWith(`a=fmtp:${f} `));
    const r = h264Rank(fmtp?.slice(fmtp.indexOf(" ") + 1));
    if (r.rank >= 0 && (best === null || r.rank < best.rank)) {
      best = { pt: Number(f), profileLevelId: r.profileLevelId, rank: r.rank };
    }
  }
  return best;
}

/** The first format of the video section with rtpmap `name/90000`, or null. */
function formatNamed(video: Section, name: string): number | null {
  for (const f of video.m.split(" ").slice(3)) {
    const rtpmap = video.lines.find((l) => l.startsWith(`a=rtpmap:${f} `));
    if (rtpmap !== undefined && rtpmap.slice(rtpmap.indexOf(" ") + 1).toLowerCase() === name) {
      return Number(f);
    }
  }
  return null;
}

function fecOf(video: Section): FecPayloadTypes | null {
  const red = formatNamed(video, "red/90000");
  const ulpfec = formatNamed(video, "ulpfec/90000");
  return red === null || ulpfec === null ? null : { red, ulpfec };
}

/**
 * Adds RED and ULPFEC to the video section of an answer werift made for the
 * narrowed offer (werift negotiates RED for audio only): the browser then
 * takes packets of payload type `red` as RED, with media or ULPFEC inside.
 */
export function answerWithFec(answer: string, fec: FecPayloadTypes): string {
  const lines = answer.split("\r\n");
  const m = lines.findIndex((l) => l.startsWith("m=video "));
  if (m < 0) throw new SyntaxError("The answer has no m=video section");
  lines[m] = `${lines[m]} ${fec.red} ${fec.ulpfec}`;
  let end = m + 1;
  while (end < lines.length && !lines[end].startsWith("m=") && lines[end] !== "") end++;
  let last = m;
  for (let i = m + 1; i < end; i++) if (/^a=(rtpmap|fmtp|rtcp-fb):/.test(lines[i])) last = i;
  lines.splice(
    last + 1,
    0,
    `a=rtpmap:${fec.red} red/90000`,
    `a=rtpmap:${fec.ulpfec} ulpfec/90000`,
  );
  return lines.join("\r\n");
}

/** Keeps only payload type `pt` in a video section, without transport-cc feedback. */
function narrow(video: Section, pt: number): string[] {
  const parts = video.m.split(" ");
  const m = [...parts.slice(0, 3), String(pt)].join(" ");
  const perFormat = /^a=(rtpmap|fmtp|rtcp-fb):(\d+|\*)[ ]/;
  const lines = video.lines.filter((l) => {
    const hit = perFormat.exec(l);
    if (hit === null) return true;
    if (hit[2] !== String(pt)) return false;
    return !(hit[1] === "rtcp-fb" && / transport-cc$/.test(l));
  });
  return [m, ...lines];
}

/**
 * An offer's lines, checked before anything reads them: at most {@linkcode MAX_SDP_BYTES}, starting
 * "v=0", every line "x=value" (trailing empty lines dropped). Throws {@linkcode OfferError}.
 */
export function offerLines(text: string): string[] {
  if (text.length > MAX_SDP_BYTES) {
    throw new OfferError(
      "too_large",
      `The offer is ${text.length} bytes; at most ${MAX_SDP_BYTES}`,
    );
  }
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines[0] !== "v=0") throw new OfferError("not_sdp", 'The offer does not start with "v=0"');
  const bad = lines.findIndex((l) => !/^[a-z]=/.test(l));
  if (bad >= 0) {
    throw new OfferError(
      "not_sdp",
      `Line ${bad + 1} of the offer is not "x=value": ${JSON.stringify(lines[bad].slice(0, 40))}`,
    );
  }
  return lines;
}

/** Checks a WHEP offer and narrows its video to one H.264 format; throws {@linkcode OfferError}. */
export function checkOffer(text: string): CheckedOffer {
  const lines = offerLines(text);
  const [session, ...media] = sections(lines);
  if (media.length > MAX_MEDIA_SECTIONS) {
    throw new OfferError(
      "unsupported_media",
      `The offer has ${media.length} m= sections; at most ${MAX_MEDIA_SECTIONS}`,
    );
  }
  const videos = media.filter((s) => s.m.startsWith("m=video "));
  if (videos.length === 0) throw new OfferError("no_video", "The offer has no m=video section");
  if (videos.length > 1) {
    throw new OfferError("several_video", `The offer has ${videos.length} m=video sections; one`);
  }
  const other = media.find((s) => !s.m.startsWith("m=video ") && !s.m.startsWith("m=audio "));
  if (other !== undefined) {
    throw new OfferError(
      "unsupported_media",
      `The offer's "${other.m.split(" ")[0]}" is not served`,
    );
  }
  const video = videos[0];
  if (video.m.split(" ")[2] !== "UDP/TLS/RTP/SAVPF") {
    throw new OfferError("not_webrtc", `The video section is "${video.m}", not UDP/TLS/RTP/SAVPF`);
  }
  if (has(video.lines, "a=sendonly") || has(video.lines, "a=inactive")) {
    throw new OfferError("not_receiving", "The offer's video section does not receive");
  }
  const either = (p: string) => has(session.lines, p) || has(video.lines, p);
  if (!either("a=ice-ufrag:") || !either("a=ice-pwd:")) {
    throw new OfferError("no_ice_credentials", "The offer has no a=ice-ufrag and a=ice-pwd");
  }
  if (!either("a=fingerprint:")) {
    throw new OfferError("no_fingerprint", "The offer has no a=fingerprint (DTLS)");
  }
  if (!has(video.lines, "a=rtcp-mux")) {
    throw new OfferError("no_rtcp_mux", "The offer's video section has no a=rtcp-mux");
  }
  const h264 = pickH264(video);
  if (h264 === null) {
    throw new OfferError(
      "no_h264",
      "The offer has no H.264 with packetization-mode=1 in baseline, main or high profile",
    );
  }
  const out = [...session.lines];
  for (const s of media) out.push(...(s === video ? narrow(s, h264.pt) : [s.m, ...s.lines]));
  return {
    sdp: out.join("\r\n") + "\r\n",
    payloadType: h264.pt,
    profileLevelId: h264.profileLevelId,
    audio: media.some((s) => s.m.startsWith("m=audio ")),
    fec: fecOf(video),
  };
}
