/**
 * A RED + ULPFEC receiver written for the tests, from RFC 2198 and RFC 5109
 * alone (not from the sender's code): it unwraps RED packets into media
 * packets and FEC packets, and rebuilds a media packet that one FEC packet
 * protects when all the others it protects arrived.
 */

export interface FecPacket {
  /** Sequence numbers its mask names. */
  protects: number[];
  /** The ULPFEC packet (after the RED header). */
  body: Uint8Array;
}

/** A RED packet unwrapped: the media packet as sent before RED, or an FEC packet. */
export type Unwrapped = { kind: "media"; seq: number; packet: Uint8Array } | {
  kind: "fec";
  seq: number;
  fec: FecPacket;
};

function headerLength(p: Uint8Array): number {
  let n = 12 + 4 * (p[0] & 0x0f);
  if (p[0] & 0x10) n += 4 + 4 * ((p[n + 2] << 8) | p[n + 3]);
  return n;
}

/** RFC 2198 with one block: the byte after the header is 0|block PT. */
export function unwrapRed(red: Uint8Array, redPt: number, ulpfecPt: number): Unwrapped {
  if ((red[1] & 0x7f) !== redPt) throw new Error(`not RED: PT ${red[1] & 0x7f}`);
  const h = headerLength(red);
  const block = red[h];
  if (block & 0x80) throw new Error("more than one RED block");
  const seq = (red[2] << 8) | red[3];
  if (block === ulpfecPt) {
    const body = red.slice(h + 1);
    const long = (body[0] & 0x40) !== 0;
    const base = (body[2] << 8) | body[3];
    const maskBytes = long ? 6 : 2;
    const protects: number[] = [];
    for (let i = 0; i < maskBytes * 8; i++) {
      if (body[12 + (i >> 3)] & (0x80 >> (i & 7))) protects.push((base + i) & 0xffff);
    }
    return { kind: "fec", seq, fec: { protects, body } };
  }
  const packet = new Uint8Array(red.length - 1);
  packet.set(red.subarray(0, h));
  packet[1] = (red[1] & 0x80) | block;
  packet.set(red.subarray(h + 1), h);
  return { kind: "media", seq, packet };
}

/**
 * RFC 5109 6.3.2: the one packet `fec` protects that is missing from
 * `received`, rebuilt with `ssrc`; null when none or more than one is missing.
 */
export function recover(
  fec: FecPacket,
  received: ReadonlyMap<number, Uint8Array>,
  ssrc: number,
): Uint8Array | null {
  const missing = fec.protects.filter((s) => !received.has(s));
  if (missing.length !== 1) return null;
  const b = fec.body;
  const head = 10 + ((b[0] & 0x40) ? 8 : 4);
  const protectionLength = (b[10] << 8) | b[11];
  const bits = new Uint8Array(10);
  bits.set(b.subarray(0, 10));
  const payload = new Uint8Array(protectionLength);
  payload.set(b.subarray(head, head + protectionLength));
  for (const s of fec.protects) {
    const p = received.get(s);
    if (p === undefined) continue;
    bits[0] ^= p[0];
    bits[1] ^= p[1];
    for (let i = 4; i < 8; i++) bits[i] ^= p[i];
    const len = p.length - 12;
    bits[8] ^= len >> 8;
    bits[9] ^= len & 255;
    for (let i = 0; i < len; i++) payload[i] ^= p[12 + i];
  }
  const length = (bits[8] << 8) | bits[9];
  if (length > protectionLength) {
    throw new Error(`recovered length ${length} > ${protectionLength}`);
  }
  const out = new Uint8Array(12 + length);
  out[0] = 0x80 | (bits[0] & 0x3f);
  out[1] = bits[1];
  out[2] = missing[0] >> 8;
  out[3] = missing[0] & 255;
  out.set(bits.subarray(4, 8), 4);
  new DataView(out.buffer).setUint32(8, ssrc);
  out.set(payload.subarray(0, length), 12);
  return out;
}
