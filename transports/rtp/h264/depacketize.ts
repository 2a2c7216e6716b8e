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
import { MAX_ACCESS_UNIT_BYTES, NalType } from "./annexb.ts";

/** Options of {@linkcode H264Depacketizer}. */
export interface H264DepacketizerOptions {
  /** Packets held to put reordered ones back in place; 0 turns reordering off. Default 16. */
  reorderWindow?: number;
  /** Drop access units until the first IDR (default true): a decoder cannot start elsewhere. */
  waitForKeyframe?: boolean;
}

/**
 * RFC 6184 decoder (single NAL unit, STAP-A, FU-A): RTP packets in, Annex-B
 * access units out, each NAL unit after a 4-byte start code. An AU ends at
 * the marker bit or when the timestamp changes. After a loss every AU is
 * dropped until the next IDR: the first drop says "loss", the next ones
 * "awaiting_keyframe", and `needsKeyframe` tells the receiver to ask for
 * one (RTCP PLI).
 *
 * Use: `for (let r = d.push(packet); r.kind !== "more"; r = d.pull()) …`.
 * Never throws on packet bytes: bad packets are counted in `stats`.
 */
export class H264Depacketizer {
  readonly stats: DepacketizerStats = emptyDepacketizerStats();
  readonly #reorder: ReorderBuffer;
  readonly #header = emptyRtpHeader();
  readonly #results = new ResultSlots();
  #buf: Uint8Array = new Uint8Array(1 << 16);
  #len = 0;
  #inAu = false;
  #ts = 0;
  #keyframe = false;
  #fu = false; // inside an FU-A
  #broken: DropReason | null = null;
  #waitKeyframe: boolean;
  #lossPending = false;

  constructor(options: H264DepacketizerOptions = {}) {
    const window = options.reorderWindow ?? 16;
    this.#reorder = new ReorderBuffer({ window: window === 0 ? 1 : window });
    this.#waitKeyframe = options.waitForKeyframe ?? true;
  }

  /** True from a loss until an IDR arrives: time to send a PLI. */
  get needsKeyframe(): boolean {
    return this.#waitKeyframe;
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
        this.#waitKeyframe = true;
        this.#lossPending = true;
        if (this.#inAu) this.#broken = "loss";
      }
      const r = this.#process(packet);
      if (r !== null) return r;
    }
  }

  #process(packet: Uint8Array): DepacketizeResult | null {
    const h = parseRtpHeader(packet, this.#header);
    if (this.#inAu && h.timestamp !== this.#ts) return this.#finish();
    this.#reorder.pop();
    if (!this.#inAu) {
      this.#inAu = true;
      this.#ts = h.timestamp;
      this.#len = 0;
      this.#keyframe = false;
      this.#fu = false;
      this.#broken = null;
    }
    if (this.#broken === null) {
      this.#broken = this.#payload(packet, h.payloadOffset, h.payloadOffset + h.payloadLength);
    }
    return h.marker ? this.#finish() : null;
  }

  // Appends the packet's NAL units; returns why the AU is broken, or null.
  #payload(packet: Uint8Array, p: number, end: number): DropReason | null {
    if (end - p < 1) return "malformed";
    const type = packet[p] & 0x1f;
    if (type >= 1 && type <= 23) {
      if (this.#fu) return "incomplete";
      return this.#append(packet, p, end, true);
    }
    if (type === NalType.STAP_A) {
      if (this.#fu) return "incomplete";
      p++;
      if (p >= end) return "malformed";
      while (p < end) {
        if (end - p < 2) return "malformed";
        const size = (packet[p] << 8) | packet[p + 1];
        p += 2;
        if (size === 0 || size > end - p) return "malformed";
        const bad = this.#append(packet, p, p + size, true);
        if (bad !== null) return bad;
        p += size;
      }
      return null;
    }
    if (type === NalType.FU_A) {
      if (end - p < 3) return "malformed";
      const fu = packet[p + 1];
      const start = (fu & 0x80) !== 0;
      if (start) {
        if (this.#fu) return "incomplete";
        // Rebuild the NAL header from the indicator's F|NRI and the FU type.
        const bad = this.#reserve(5);
        if (bad !== null) return bad;
        const b = this.#buf;
        b[this.#len] = 0;
        b[this.#len + 1] = 0;
        b[this.#len + 2] = 0;
        b[this.#len + 3] = 1;
        b[this.#len + 4] = (packet[p] & 0xe0) | (fu & 0x1f);
        this.#len += 5;
        if ((fu & 0x1f) === NalType.IDR) this.#keyframe = true;
        this.#fu = true;
      } else if (!this.#fu) {
        return "loss";
      }
      const bad = this.#append(packet, p + 2, end, false);
      if (bad !== null) return bad;
      if (fu & 0x40) this.#fu = false;
      return null;
    }
    // STAP-B, MTAP and FU-B belong to the interleaved mode; 0, 30, 31 are reserved.
    return "unsupported";
  }

  #append(packet: Uint8Array, from: number, to: number, startCode: boolean): DropReason | null {
    const n = to - from + (startCode ? 4 : 0);
    const bad = this.#reserve(n);
    if (bad !== null) return bad;
    const b = this.#buf;
    if (startCode) {
      b[this.#len] = 0;
      b[this.#len + 1] = 0;
      b[this.#len + 2] = 0;
      b[this.#len + 3] = 1;
      this.#len += 4;
      if ((packet[from] & 0x1f) === NalType.IDR) this.#keyframe = true;
    }
    b.set(packet.subarray(from, to), this.#len);
    this.#len += to - from;
    return null;
  }

  #reserve(n: number): DropReason | null {
    const need = this.#len + n;
    if (need > MAX_ACCESS_UNIT_BYTES) return "too_large";
    if (need > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < need) size *= 2;
      const next = new Uint8Array(Math.min(size, MAX_ACCESS_UNIT_BYTES));
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    return null;
  }

  #finish(): DepacketizeResult | null {
    this.#inAu = false;
    const ts = this.#ts;
    let reason = this.#broken ?? (this.#fu ? "incomplete" : null);
    if (reason === null && this.#len === 0) return null;
    if (reason === null && this.#waitKeyframe) {
      if (this.#keyframe) this.#waitKeyframe = false;
      else reason = "awaiting_keyframe";
    }
    if (reason !== null) {
      if (reason !== "awaiting_keyframe") this.#waitKeyframe = true;
      if (this.#lossPending) reason = "loss";
      this.#lossPending = false;
      this.stats.dropped++;
      return this.#results.emitDropped(reason, ts);
    }
    this.#lossPending = false;
    this.stats.frames++;
    return this.#results.emitFrame(this.#buf.subarray(0, this.#len), ts, this.#keyframe);
  }
}
