// Builds small, valid baseline JPEGs from scratch for the case table: every
// segment is written here by hand from ITU-T T.81, so a case can put exactly
// the markers, tables and restart intervals it wants. GStreamer's jpegdec
// checks that they decode.

import { STANDARD_HUFFMAN } from "../../../../transports/rtp/jpeg/_tables.ts";

export interface BuildJpegOptions {
  width: number;
  height: number;
  /** Y 2×1 ("422") or 2×2 ("420"); "444" and "gray" make JPEGs RFC 2435 cannot carry. */
  sampling: "422" | "420" | "444" | "gray";
  /** MCUs per restart interval (adds DRI and RSTn markers). */
  restartInterval?: number;
  /** 64 quantizers each, zigzag order. */
  lumaTable?: ArrayLike<number>;
  chromaTable?: ArrayLike<number>;
  /** Cb and Cr use table 0 too (one DQT table, as ffmpeg writes it). */
  sharedTable?: boolean;
  /** Write the DHT segment (default true; without it decoders assume the standard tables). */
  dht?: boolean;
  /** Nonzero AC coefficients per luma block, to make the scan larger. */
  acPerBlock?: number;
  /** Zero bytes after EOI. */
  trailing?: number;
  /** An APP0 JFIF and a COM segment in front, as encoders write them. */
  extras?: boolean;
}

const DEFAULT_LUMA = Array.from({ length: 64 }, (_, i) => 2 + (i >> 2));
const DEFAULT_CHROMA = Array.from({ length: 64 }, (_, i) => 3 + (i >> 1));

// Canonical Huffman codes (T.81 Annex C) of one DHT table: symbol → [code, length].
function codes(table: Uint8Array): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  let code = 0, k = 17;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < table[len]; i++) out.set(table[k++], [code++, len]);
    code <<= 1;
  }
  return out;
}

const DC_Y = codes(STANDARD_HUFFMAN[0]);
const AC_Y = codes(STANDARD_HUFFMAN[1]);
const DC_C = codes(STANDARD_HUFFMAN[2]);
const AC_C = codes(STANDARD_HUFFMAN[3]);

class Bits {
  out: number[] = [];
  #acc = 0;
  #n = 0;
  put(code: number, len: number) {
    for (let i = len - 1; i >= 0; i--) {
      this.#acc = (this.#acc << 1) | ((code >> i) & 1);
      if (++this.#n === 8) this.#flushByte();
    }
  }
  #flushByte() {
    this.out.push(this.#acc);
    if (this.#acc === 0xff) this.out.push(0x00); // byte stuffing
    this.#acc = 0;
    this.#n = 0;
  }
  /** Pads the last byte with 1-bits (T.81 F.1.2.3). */
  align() {
    while (this.#n !== 0) this.put(1, 1);
  }
}

function category(v: number): number {
  let c = 0;
  for (let a = Math.abs(v); a > 0; a >>= 1) c++;
  return c;
}

function block(
  bits: Bits,
  dc: Map<number, [number, number]>,
  ac: Map<number, [number, number]>,
  diff: number,
  acs: number,
) {
  const c = category(diff);
  bits.put(...dc.get(c)!);
  if (c > 0) bits.put(diff > 0 ? diff : diff + (1 << c) - 1, c);
  for (let i = 0; i < acs; i++) {
    bits.put(...ac.get(0x01)!); // run 0, size 1
    bits.put(i & 1, 1); // +1 or -1
  }
  if (acs < 63) bits.put(...ac.get(0x00)!); // EOB
}

/** A baseline JPEG with a gradient of DC values and the requested layout. */
export function buildJpeg(o: BuildJpegOptions): Uint8Array {
  const bytes: number[] = [0xff, 0xd8];
  const seg = (marker: number, body: number[]) => {
    bytes.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body);
  };
  if (o.extras) {
    seg(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
    seg(0xfe, [...new TextEncoder().encode("eyrie test")]);
  }
  const luma = Array.from(o.lumaTable ?? DEFAULT_LUMA);
  const chroma = Array.from(o.chromaTable ?? DEFAULT_CHROMA);
  const gray = o.sampling === "gray";
  seg(0xdb, o.sharedTable || gray ? [0, ...luma] : [0, ...luma, 1, ...chroma]);
  if (o.restartInterval) seg(0xdd, [o.restartInterval >> 8, o.restartInterval & 0xff]);
  const ySampling = o.sampling === "422" ? 0x21 : o.sampling === "420" ? 0x22 : 0x11;
  const ct = o.sharedTable ? 0 : 1;
  const h = [o.height >> 8, o.height & 0xff], w = [o.width >> 8, o.width & 0xff];
  seg(
    0xc0,
    gray
      ? [8, ...h, ...w, 1, 1, 0x11, 0]
      : [8, ...h, ...w, 3, 1, ySampling, 0, 2, 0x11, ct, 3, 0x11, ct],
  );
  if (o.dht !== false) seg(0xc4, STANDARD_HUFFMAN.flatMap((t) => [...t]));
  seg(0xda, gray ? [1, 1, 0x00, 0, 63, 0] : [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
  const mcuW = o.sampling === "444" || gray ? 8 : 16;
  const mcuH = o.sampling === "420" ? 16 : 8;
  const yBlocks = o.sampling === "422" ? 2 : o.sampling === "420" ? 4 : 1;
  const mcus = Math.ceil(o.width / mcuW) * Math.ceil(o.height / mcuH);
  const bits = new Bits();
  let predY = 0, predC = 0, rst = 0;
  for (let m = 0; m < mcus; m++) {
    if (o.restartInterval && m > 0 && m % o.restartInterval === 0) {
      bits.align();
      bits.out.push(0xff, 0xd0 + (rst++ & 7));
      predY = predC = 0;
    }
    for (let b = 0; b < yBlocks; b++) {
      const dc = ((m * 7 + b * 3) % 41) - 20; // a gradient that changes per block
      block(bits, DC_Y, AC_Y, dc - predY, o.acPerBlock ?? 0);
      predY = dc;
    }
    if (!gray) {
      const dc = (m % 9) - 4;
      block(bits, DC_C, AC_C, dc - predC, 0);
      block(bits, DC_C, AC_C, 0, 0);
      predC = dc;
    }
  }
  bits.align();
  for (const b of bits.out) bytes.push(b);
  bytes.push(0xff, 0xd9);
  for (let i = 0; i < (o.trailing ?? 0); i++) bytes.push(0);
  return Uint8Array.from(bytes);
}
