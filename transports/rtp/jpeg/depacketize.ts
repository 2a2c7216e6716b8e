import {
  type DepacketizeResult,
  type DepacketizerStats,
  type DropReason,
  emptyDepacketizerStats,
  NEED_MORE,
} from "../depacketizer.ts";
import { ResultSlots } from "../_results.ts";
import { emptyRtpHeader, parseRtpHeader } from "../header.ts";
import { ReorderBuffer } from "../reorder.ts";
import { type JpegHeaderParams, MAX_JPEG_HEADER_BYTES, writeJpegHeaders } from "./_headers.ts";
import { makeQuantTables } from "./_tables.ts";
import { MAX_JPEG_BYTES } from "./parse.ts";

/** Options of {@linkcode JpegDepacketizer}. */
export interface JpegDepacketizerOptions {
  /** Packets held to put reordered ones back in place; 0 turns reordering off. Default 16. */
  reorderWindow?: number;
}

/**
 * RFC 2435 decoder: RTP packets in (any order within the window), complete
 * JPEG files out. A frame with a lost packet is dropped and said so. Q < 128
 * rebuilds the quantization tables per RFC 2435 appendix A; Q ≥ 128 takes
 * them from the first packet (and for 128–254 remembers them, so a later
 * frame may send Length 0).
 *
 * Use: `for (let r = d.push(packet); r.kind !== "more"; r = d.pull()) …`.
 * Never throws on packet bytes: bad packets are counted in `stats`.
 */
export class JpegDepacketizer {
  readonly stats: DepacketizerStats = emptyDepacketizerStats();
  readonly #reorder: ReorderBuffer;
  readonly #header = emptyRtpHeader();
  readonly #results = new ResultSlots();
  #buf: Uint8Array = new Uint8Array(1 << 18);
  #len = 0;
  #inFrame = false;
  #ts = 0;
  #skipping = false;
  #skipTs = 0;
  #next = 0; // fragment offset expected next
  #type = 0;
  #q = 0;
  #w8 = 0;
  #h8 = 0;
  // Headers of the last frame, rebuilt only when its parameters change.
  #cached: JpegHeaderParams | null = null;
  #cachedQ = -1;
  #cachedHeader = new Uint8Array(MAX_JPEG_HEADER_BYTES);
  #cachedHeaderLen = 0;
  readonly #staticTables = new Map<number, Uint8Array>();
  #rfcTablesQ = -1;
  #rfcTables: Uint8Array = new Uint8Array(128);

  constructor(options: JpegDepacketizerOptions = {}) {
    const window = options.reorderWindow ?? 16;
    this.#reorder = new ReorderBuffer({ window: window === 0 ? 1 : window });
  }

  /** Takes one RTP packet and returns the first result it makes ready. */
  push(packet: Uint8Array): DepacketizeResult {
    this.stats.packets++;
    try {
      parseRtpHeader(packet, this.#header);
    } catch {
      this.stats.malformed++;
      return this.pull();
    }
    if (this.#reorder.push(packet, this.#header.sequenceNumber) !== "queued") this.stats.late++;
    return this.pull();
  }

  /**
   * End of stream: gives up waiting for missing packets and releases what
   * the reorder window holds. Returns the first result, like `push()`.
   */
  flush(): DepacketizeResult {
    this.#reorder.flush();
    return this.pull();
  }

  /** The next result, or {@linkcode NEED_MORE} when nothing else is ready. */
  pull(): DepacketizeResult {
    for (;;) {
      const packet = this.#reorder.peek();
      if (packet === null) return NEED_MORE;
      const lost = this.#reorder.takeLost();
      if (lost > 0) {
        this.stats.lost += lost;
        if (this.#inFrame) {
          this.#inFrame = false;
          return this.#drop("loss", this.#ts);
        }
      }
      const r = this.#process(packet);
      if (r !== null) return r;
    }
  }

  #drop(reason: DropReason, ts: number): DepacketizeResult {
    this.stats.dropped++;
    this.#skipping = true;
    this.#skipTs = ts;
    return this.#results.emitDropped(reason, ts);
  }

  // Returns a result or null; pops the packet unless the result is about
  // the frame before it.
  #process(packet: Uint8Array): DepacketizeResult | null {
    const h = parseRtpHeader(packet, this.#header);
    const ts = h.timestamp;
    if (this.#inFrame && ts !== this.#ts) {
      this.#inFrame = false;
      return this.#drop("incomplete", this.#ts);
    }
    this.#reorder.pop();
    if (this.#skipping && ts === this.#skipTs) return null;
    this.#skipping = false;
    let p = h.payloadOffset;
    const end = p + h.payloadLength;
    if (end - p < 8) return this.#drop("malformed", ts);
    const offset = (packet[p + 1] << 16) | (packet[p + 2] << 8) | packet[p + 3];
    const type = packet[p + 4], q = packet[p + 5], w8 = packet[p + 6], h8 = packet[p + 7];
    p += 8;
    if (type & 64) {
      if (end - p < 4) return this.#drop("malformed", ts);
      p += 4;
    }
    if (!this.#inFrame) {
      if (offset !== 0) return this.#drop("loss", ts);
      const at = this.#startFrame(packet, p, end, ts);
      if (typeof at === "string") return this.#drop(at, ts);
      p = at;
    } else if (
      offset !== this.#next || type !== this.#type || q !== this.#q || w8 !== this.#w8 ||
      h8 !== this.#h8
    ) {
      this.#inFrame = false;
      return this.#drop("malformed", ts);
    }
    const n = end - p;
    const need = this.#len + n + 2;
    if (need > MAX_JPEG_HEADER_BYTES + MAX_JPEG_BYTES) {
      this.#inFrame = false;
      return this.#drop("too_large", ts);
    }
    if (need > this.#buf.length) this.#grow(need);
    this.#buf.set(packet.subarray(p, end), this.#len);
    this.#len += n;
    this.#next += n;
    if (!h.marker) return null;
    this.#inFrame = false;
    const buf = this.#buf;
    // RFC 2435 sends the scan without EOI; some senders keep it.
    if (!(this.#len >= 2 && buf[this.#len - 2] === 0xff && buf[this.#len - 1] === 0xd9)) {
      buf[this.#len++] = 0xff;
      buf[this.#len++] = 0xd9;
    }
    this.stats.frames++;
    return this.#results.emitFrame(buf.subarray(0, this.#len), ts, true);
  }

  // Reads the first packet's headers and writes the JPEG headers; returns
  // where the scan data starts, or why the frame cannot be rebuilt.
  #startFrame(packet: Uint8Array, p: number, end: number, ts: number): number | DropReason {
    const b = this.#header.payloadOffset;
    const type = packet[b + 4], q = packet[b + 5], w8 = packet[b + 6], h8 = packet[b + 7];
    if ((type & ~64) > 1) return "unsupported";
    if (w8 === 0 || h8 === 0) return "malformed";
    if (q === 0 || (q > 99 && q < 128)) return "unsupported";
    let tables: Uint8Array;
    let precision = 0;
    if (q >= 128) {
      if (end - p < 4) return "malformed";
      precision = packet[p + 1];
      const length = (packet[p + 2] << 8) | packet[p + 3];
      p += 4;
      if (length === 0) {
        const known = q === 255 ? undefined : this.#staticTables.get(q);
        if (known === undefined) return "malformed";
        tables = known;
        precision = 0;
      } else {
        const bytes = (precision & 1 ? 128 : 64) + (precision & 2 ? 128 : 64);
        if (length < bytes || end - p < length) return "malformed";
        tables = packet.subarray(p, p + bytes);
        p += length;
        if (q < 255 && precision === 0) this.#staticTables.set(q, tables.slice());
      }
    } else {
      if (this.#rfcTablesQ !== q) {
        this.#rfcTables = makeQuantTables(q);
        this.#rfcTablesQ = q;
      }
      tables = this.#rfcTables;
    }
    const ri = type & 64 ? (packet[b + 8] << 8) | packet[b + 9] : 0;
    const headerLen = this.#headersFor(type & 1, w8 * 8, h8 * 8, ri, tables, precision, q);
    if (this.#buf.length < headerLen) this.#grow(headerLen);
    this.#buf.set(this.#cachedHeader.subarray(0, headerLen), 0);
    this.#len = headerLen;
    this.#next = 0;
    this.#inFrame = true;
    this.#ts = ts;
    this.#type = type;
    this.#q = q;
    this.#w8 = w8;
    this.#h8 = h8;
    return p;
  }

  #headersFor(
    type: number,
    width: number,
    height: number,
    ri: number,
    tables: Uint8Array,
    precision: number,
    q: number,
  ): number {
    const c = this.#cached;
    if (
      c !== null && c.type === type && c.width === width && c.height === height &&
      c.restartInterval === ri && c.precision === precision && this.#cachedQ === q &&
      sameBytes(c.tables, tables)
    ) {
      return this.#cachedHeaderLen;
    }
    const params = { type, width, height, restartInterval: ri, tables: tables.slice(), precision };
    this.#cachedHeaderLen = writeJpegHeaders(this.#cachedHeader, params);
    this.#cached = params;
    this.#cachedQ = q;
    return this.#cachedHeaderLen;
  }

  #grow(need: number): void {
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(Math.min(size, MAX_JPEG_HEADER_BYTES + MAX_JPEG_BYTES));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
