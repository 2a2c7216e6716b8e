/**
 * The framing's case table: each access unit with its header written out by
 * hand (big endian, see transports/tls/frame.ts). It drives the encode and
 * decode tests and seeds the fuzzer.
 */
import { FrameFlags, FrameFormat } from "../../../actors/defs.ts";
import {
  FrameDecoder,
  type FrameErrorResult,
  type NumberedAccessUnit,
} from "../../../transports/tls/mod.ts";

export interface FrameCase {
  name: string;
  unit: NumberedAccessUnit;
  /** The 32 header bytes, as hex words. */
  header: string;
}

const bytes = (...values: number[]) => Uint8Array.from(values);

export const CASES: readonly FrameCase[] = [
  {
    name: "an H.264 keyframe with parameter sets",
    unit: {
      seq: 0,
      flags: FrameFlags.KEYFRAME | FrameFlags.CONFIG,
      format: FrameFormat.H264,
      ptsNs: 0,
      captureNs: 1_000_000_000,
      data: bytes(0, 0, 0, 1, 0x09, 0xf0),
    },
    header: "45794155 01051000 00000000 00000006 00000000 00000000 00000000 3b9aca00",
  },
  {
    name: "an H.264 delta frame one frame later",
    unit: {
      seq: 1,
      flags: 0,
      format: FrameFormat.H264,
      ptsNs: 33_333_333,
      captureNs: 1_033_333_333,
      data: bytes(0, 0, 1, 0x41, 0x9a),
    },
    header: "45794155 01001000 00000001 00000005 00000000 01fca055 00000000 3d976a55",
  },
  {
    name: "a JPEG at the last sequence number, pts -1 and a capture time of 2^53",
    unit: {
      seq: 0xffff_ffff,
      flags: FrameFlags.KEYFRAME,
      format: FrameFormat.JPEG,
      ptsNs: -1,
      captureNs: 2 ** 53,
      data: bytes(0xff, 0xd8, 0xff, 0xd9),
    },
    header: "45794155 01011100 ffffffff 00000004 ffffffff ffffffff 00200000 00000000",
  },
  {
    name: "a one-byte keyframe after a gap with timestamps of ±2^62",
    unit: {
      seq: 7,
      flags: FrameFlags.KEYFRAME | FrameFlags.DISCONT,
      format: FrameFormat.H264,
      ptsNs: -(2 ** 62),
      captureNs: 2 ** 62,
      data: bytes(0x65),
    },
    header: "45794155 01031000 00000007 00000001 c0000000 00000000 40000000 00000000",
  },
  {
    name: "a JPEG with sequence 2^31, pts 2^53+2 and capture -2^53",
    unit: {
      seq: 2 ** 31,
      flags: FrameFlags.DISCONT,
      format: FrameFormat.JPEG,
      ptsNs: 2 ** 53 + 2,
      captureNs: -(2 ** 53),
      data: bytes(1, 2, 3),
    },
    header: "45794155 01021100 80000000 00000003 00200000 00000002 ffe00000 00000000",
  },
];

/** Hex words ("45794155 0105…") as bytes. */
export function fromHex(text: string): Uint8Array {
  const hex = text.replace(/\s+/g, "");
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** The whole frame of a case: its header and payload. */
export function frameOf(c: FrameCase): Uint8Array {
  const header = fromHex(c.header);
  const frame = new Uint8Array(header.length + c.unit.data.length);
  frame.set(header);
  frame.set(c.unit.data, header.length);
  return frame;
}

/** Frames one after another, as on the wire. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Feeds `chunks` to one decoder and collects copies of what it returns. */
export function decodeAll(
  chunks: Iterable<Uint8Array>,
  decoder = new FrameDecoder(),
): { units: NumberedAccessUnit[]; error: FrameErrorResult | null; pending: number } {
  const units: NumberedAccessUnit[] = [];
  let error: FrameErrorResult | null = null;
  for (const chunk of chunks) {
    decoder.push(chunk);
    for (;;) {
      const result = decoder.next();
      if (result.kind === "more") break;
      if (result.kind === "error") {
        error = result;
        break;
      }
      const { seq, flags, format, ptsNs, captureNs } = result;
      units.push({ seq, flags, format, ptsNs, captureNs, data: result.data.slice() });
    }
    if (error) break;
  }
  return { units, error, pending: decoder.pending };
}
