/**
 * One group of media packets as the viewer sends it (media as RED, then
 * its ULPFEC packets as RED), and a receiver that unwraps and rebuilds:
 * for the RED/ULPFEC tests and their fuzz property.
 */
import {
  fecCount,
  RED_HEADER_BYTES,
  redFromMedia,
  UlpfecGroup,
  ulpfecHeaderBytes,
} from "../../../../transports/rtp/fec/mod.ts";
import { recover, unwrapRed } from "./_decoder.ts";

export const RED = 123;
export const ULPFEC = 125;
export const H264 = 102;
export const SSRC = 0x11223344;

export interface MediaSpec {
  /** Header extension words (0: none), CSRCs, payload bytes, marker, padding bit. */
  extWords: number;
  csrcs: number;
  payload: number;
  marker: boolean;
  padding: boolean;
  timestamp: number;
  fill: number;
}

export function mediaPacket(seq: number, s: MediaSpec): Uint8Array {
  const head = 12 + 4 * s.csrcs + (s.extWords > 0 ? 4 + 4 * s.extWords : 0);
  const p = new Uint8Array(head + s.payload);
  p[0] = 0x80 | (s.padding ? 0x20 : 0) | (s.extWords > 0 ? 0x10 : 0) | s.csrcs;
  p[1] = (s.marker ? 0x80 : 0) | H264;
  p[2] = seq >> 8;
  p[3] = seq & 255;
  const v = new DataView(p.buffer);
  v.setUint32(4, s.timestamp >>> 0);
  v.setUint32(8, SSRC);
  for (let i = 12; i < p.length; i++) p[i] = (i * 31 + s.fill) & 255;
  if (s.extWords > 0) {
    const x = 12 + 4 * s.csrcs;
    p[x] = 0xbe;
    p[x + 1] = 0xde;
    p[x + 2] = 0;
    p[x + 3] = s.extWords;
  }
  return p;
}

/** One group sent as the viewer sends it: media as RED, then its FEC packets as RED. */
export function send(firstSeq: number, specs: MediaSpec[], protection: number) {
  const group = new UlpfecGroup();
  const media: Uint8Array[] = [];
  const wire: Uint8Array[] = [];
  for (const [i, s] of specs.entries()) {
    const seq = (firstSeq + i) & 0xffff;
    const m = mediaPacket(seq, s);
    media.push(m);
    const head = 12 + 4 * s.csrcs + (s.extWords > 0 ? 4 + 4 * s.extWords : 0);
    const buf = new Uint8Array(m.length + RED_HEADER_BYTES);
    buf.set(m, 1);
    group.add(buf, 1, m.length);
    wire.push(buf.subarray(0, redFromMedia(buf, 0, head, m.length, RED)));
  }
  const n = fecCount(specs.length, protection);
  for (let j = 0; j < n; j++) {
    const seq = (firstSeq + specs.length + j) & 0xffff;
    const out = new Uint8Array(12 + 1 + ulpfecHeaderBytes(specs.length) + 1500);
    out[0] = 0x80;
    out[1] = RED;
    out[2] = seq >> 8;
    out[3] = seq & 255;
    new DataView(out.buffer).setUint32(8, SSRC);
    out[12] = ULPFEC;
    wire.push(out.subarray(0, 13 + group.writeFec(j, n, out, 13)));
  }
  return { media, wire, fec: n };
}

/** Receives `wire` without the packets at `lost` (indices); returns the media it ends with. */
export function receive(wire: Uint8Array[], lost: Set<number>): Map<number, Uint8Array> {
  const got = new Map<number, Uint8Array>();
  const fecs = [];
  for (const [i, p] of wire.entries()) {
    if (lost.has(i)) continue;
    const u = unwrapRed(p, RED, ULPFEC);
    if (u.kind === "media") got.set(u.seq, u.packet);
    else fecs.push(u.fec);
  }
  for (let again = true; again;) {
    again = false;
    for (const f of fecs) {
      const r = recover(f, got, SSRC);
      if (r !== null) {
        got.set((r[2] << 8) | r[3], r);
        again = true;
      }
    }
  }
  return got;
}

export function spec(payload: number, extra: Partial<MediaSpec> = {}): MediaSpec {
  return {
    extWords: 2,
    csrcs: 0,
    payload,
    marker: false,
    padding: false,
    timestamp: 90_000,
    fill: payload,
    ...extra,
  };
}
