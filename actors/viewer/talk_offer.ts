/**
 * A talk offer (WHIP-style, `POST /api/cameras/:id/talk`) checked before
 * werift sees it: bounded, exactly one audio section that sends (the
 * browser's microphone), WebRTC's transport with ICE, DTLS and rtcp-mux,
 * and Opus at 48 kHz among its formats, narrowed to that one format so the
 * answer carries it alone. Pure.
 *
 * @module
 */
import { OfferError, offerLines } from "./offer.ts";

export interface CheckedTalkOffer {
  /** The offer narrowed to one Opus format, CRLF line ends. */
  sdp: string;
  /** The browser's payload type for Opus. */
  payloadType: number;
}

/** Checks a talk offer; throws {@linkcode OfferError} naming what is wrong. */
export function checkTalkOffer(text: string): CheckedTalkOffer {
  const lines = offerLines(text);
  const starts = lines.flatMap((l, i) => l.startsWith("m=") ? [i] : []);
  if (starts.length !== 1 || !lines[starts[0]].startsWith("m=audio ")) {
    throw new OfferError(
      "unsupported_media",
      `A talk offer has exactly one m=audio section, got ${
        starts.map((i) => lines[i].split(" ")[0]).join(", ") || "none"
      }`,
    );
  }
  const session = lines.slice(0, starts[0]);
  const audio = lines.slice(starts[0] + 1);
  const m = lines[starts[0]].split(" ");
  if (m[2] !== "UDP/TLS/RTP/SAVPF") {
    throw new OfferError(
      "not_webrtc",
      `The audio section is "${m.join(" ")}", not UDP/TLS/RTP/SAVPF`,
    );
  }
  const has = (p: string) => audio.some((l) => l.startsWith(p));
  if (has("a=recvonly") || has("a=inactive")) {
    throw new OfferError("not_receiving", "The offer's audio section does not send");
  }
  const either = (p: string) => session.some((l) => l.startsWith(p)) || has(p);
  if (!either("a=ice-ufrag:") || !either("a=ice-pwd:")) {
    throw new OfferError("no_ice_credentials", "The offer has no a=ice-ufrag and a=ice-pwd");
  }
  if (!either("a=fingerprint:")) {
    throw new OfferError("no_fingerprint", "The offer has no a=fingerprint (DTLS)");
  }
  if (!has("a=rtcp-mux")) {
    throw new OfferError("no_rtcp_mux", "The offer's audio section has no a=rtcp-mux");
  }
  const pt = m.slice(3).find((f) =>
    audio.some((l) =>
      /^opus\/48000(\/[12])?$/i.test(
        l.startsWith(`a=rtpmap:${f} `) ? l.slice(l.indexOf(" ") + 1) : "",
      )
    )
  );
  if (pt === undefined) throw new OfferError("no_opus", "The offer has no opus/48000 format");
  const perFormat = /^a=(rtpmap|fmtp|rtcp-fb):(\d+|\*)[ ]/;
  const kept = audio.filter((l) => {
    const hit = perFormat.exec(l);
    return hit === null || hit[2] === pt;
  });
  return {
    sdp: [...session, [...m.slice(0, 3), pt].join(" "), ...kept].join("\r\n") + "\r\n",
    payloadType: Number(pt),
  };
}
