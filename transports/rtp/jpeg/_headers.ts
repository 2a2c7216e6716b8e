import { STANDARD_HUFFMAN } from "./_tables.ts";

/** Largest header block {@linkcode writeJpegHeaders} writes (two 16-bit tables, DRI). */
export const MAX_JPEG_HEADER_BYTES = 2 + 4 + 2 * 129 + 6 + 19 + 4 + 418 + 14;

/** What a receiver knows of a frame from its first packet. */
export interface JpegHeaderParams {
  /** RFC 2435 type with the restart bit cleared: 0 (4:2:2) or 1 (4:2:0). */
  type: number;
  width: number;
  height: number;
  restartInterval: number;
  /** Luma then chroma quantizers, zigzag order; 64 bytes each, or 128 when 16-bit. */
  tables: Uint8Array;
  /** Bit 0: luma table is 16-bit; bit 1: chroma table is 16-bit. */
  precision: number;
}

/**
 * Writes SOI, DQT, DRI, SOF0, DHT and SOS for a frame into `out` at 0 and
 * returns the length: the JPEG that the scan data of RFC 2435 packets
 * needs in front of it (RFC 2435 appendix B, with the standard Huffman
 * tables of appendix A).
 */
export function writeJpegHeaders(out: Uint8Array, params: JpegHeaderParams): number {
  let p = 0;
  const put = (b: number) => {
    out[p++] = b;
  };
  const put16 = (v: number) => {
    out[p++] = v >>> 8;
    out[p++] = v & 0xff;
  };
  put(0xff);
  put(0xd8);
  const lumaBytes = params.precision & 1 ? 128 : 64;
  const chromaBytes = params.precision & 2 ? 128 : 64;
  put(0xff);
  put(0xdb);
  put16(2 + 2 + lumaBytes + chromaBytes);
  put(params.precision & 1 ? 0x10 : 0x00);
  out.set(params.tables.subarray(0, lumaBytes), p);
  p += lumaBytes;
  put(params.precision & 2 ? 0x11 : 0x01);
  out.set(params.tables.subarray(lumaBytes, lumaBytes + chromaBytes), p);
  p += chromaBytes;
  if (params.restartInterval > 0) {
    put(0xff);
    put(0xdd);
    put16(4);
    put16(params.restartInterval);
  }
  // SOF0: 8-bit, three components; Y 2x1 (type 0) or 2x2 (type 1) on table 0,
  // Cb and Cr 1x1 on table 1.
  put(0xff);
  put(0xc0);
  put16(17);
  put(8);
  put16(params.height);
  put16(params.width);
  put(3);
  put(1);
  put(params.type === 0 ? 0x21 : 0x22);
  put(0);
  put(2);
  put(0x11);
  put(1);
  put(3);
  put(0x11);
  put(1);
  put(0xff);
  put(0xc4);
  let dhtLength = 2;
  for (const t of STANDARD_HUFFMAN) dhtLength += t.length;
  put16(dhtLength);
  for (const t of STANDARD_HUFFMAN) {
    out.set(t, p);
    p += t.length;
  }
  // SOS: Y on DC/AC tables 0, Cb and Cr on 1; full spectral range.
  put(0xff);
  put(0xda);
  put16(12);
  put(3);
  put(1);
  put(0x00);
  put(2);
  put(0x11);
  put(3);
  put(0x11);
  put(0);
  put(63);
  put(0);
  return p;
}
