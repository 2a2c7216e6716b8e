/**
 * The LL-HLS media playlist of a {@linkcode Segmenter} (RFC 8216bis), and
 * the blocking-reload query (`_HLS_msn`, `_HLS_part`, §6.2.5.2). Pure.
 *
 * URIs are relative to the playlist: `init/<id>.mp4`, `seg/<msn>.mp4`,
 * `part/<id>.mp4`.
 *
 * @module
 */
import type { Segmenter } from "./segmenter.ts";

/** Segments at the end of the playlist whose parts are listed. Reason: §4.4.4.9 asks for the last three target durations; with one-second segments that is three. */
export const SEGMENTS_WITH_PARTS = 3;

/** Version 6: EXT-X-MAP in a playlist that is not I-frames only. */
const VERSION = 6;

function seconds(s: number): string {
  return s.toFixed(5);
}

/** The playlist as it stands; empty (null) before the first part. */
export function renderPlaylist(seg: Segmenter): string | null {
  const all = seg.segments;
  if (all.length === 0 || (all.length === 1 && all[0].parts.length === 0)) return null;
  const o = seg.options;
  const lines = [
    "#EXTM3U",
    `#EXT-X-VERSION:${VERSION}`,
    `#EXT-X-TARGETDURATION:${o.targetDuration}`,
    // Hold back three parts (the spec's minimum is two; three leaves room for a late part).
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${seconds(3 * o.partTarget)}`,
    `#EXT-X-PART-INF:PART-TARGET=${seconds(o.partTarget)}`,
    `#EXT-X-MEDIA-SEQUENCE:${all[0].msn}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${seg.discontinuitySequence}`,
  ];
  let initId = -1;
  const withParts = all.length - SEGMENTS_WITH_PARTS - (all.at(-1)!.complete ? 0 : 1);
  all.forEach((s, i) => {
    if (s.initId !== initId) {
      if (initId !== -1 && s.discontinuity) lines.push("#EXT-X-DISCONTINUITY");
      lines.push(`#EXT-X-MAP:URI="init/${s.initId}.mp4"`);
      initId = s.initId;
    }
    if (i >= withParts) {
      for (const p of s.parts) {
        lines.push(
          `#EXT-X-PART:DURATION=${seconds(p.duration)},URI="part/${p.id}.mp4"` +
            (p.independent ? ",INDEPENDENT=YES" : ""),
        );
      }
    }
    if (s.complete) lines.push(`#EXTINF:${seconds(s.duration)},`, `seg/${s.msn}.mp4`);
  });
  lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part/${seg.nextPartId}.mp4"`);
  return lines.join("\n") + "\n";
}

/** What a playlist request asks to wait for, or why it is invalid. */
export type BlockingRequest =
  | { kind: "now" }
  | { kind: "wait"; msn: number; part: number | null }
  | { kind: "invalid"; reason: string };

/** Reads `_HLS_msn` and `_HLS_part` from a playlist URL's query. */
export function blockingRequest(query: URLSearchParams): BlockingRequest {
  const msn = query.get("_HLS_msn");
  const part = query.get("_HLS_part");
  if (msn === null) {
    return part === null
      ? { kind: "now" }
      : { kind: "invalid", reason: "_HLS_part needs _HLS_msn" };
  }
  const n = /^\d{1,15}$/.test(msn) ? Number(msn) : NaN;
  if (Number.isNaN(n)) return { kind: "invalid", reason: `_HLS_msn "${msn}" is not a number` };
  if (part === null) return { kind: "wait", msn: n, part: null };
  const p = /^\d{1,6}$/.test(part) ? Number(part) : NaN;
  if (Number.isNaN(p)) return { kind: "invalid", reason: `_HLS_part "${part}" is not a number` };
  return { kind: "wait", msn: n, part: p };
}

/** The CODECS value for a playlist that plays the segmenter's newest init. */
export function codecsOf(seg: Segmenter): string | null {
  return seg.inits.at(-1)?.codec ?? null;
}
