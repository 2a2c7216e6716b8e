/**
 * A viewer's RTP sent without werift's per-packet path. werift's
 * RTCRtpSender parses each packet into objects, rewrites them, serializes
 * them again, encrypts into a new buffer and awaits three async layers to
 * the socket: most of eyrie's CPU per viewer, and a stream of short-lived
 * objects (the ones in its 128-packet NACK history live long enough to be
 * promoted, and grow the Worker's old generation). Here each packet is
 * rewritten (rtp_rewrite.ts) and SRTP-protected in place (fast_srtp.ts)
 * into a slot of this session's batch, and the batch goes out with one
 * sendmmsg(2) on the ICE pair's UDP socket (ffi/net/batch_send.ts) once the
 * fan-out has written what it had (a microtask), or when it is full.
 * node:dgram's `send` cost 15–20 µs of CPU a packet, the system call 3–4.
 * Where the socket cannot be borrowed (not Linux, an address sendmmsg
 * cannot take), packets go through node:dgram as before, in buffers reused
 * once it is done with them.
 *
 * werift still does ICE, DTLS, SRTCP and the RTCP sender reports (from the
 * counters kept here on its sender). Timestamps keep one offset for the
 * session, so they stay true across skipped packets; sequence numbers
 * count the packets sent, so skips leave no gap to NACK. NACKs are answered
 * from the camera's packet pool through a history of what went out.
 * Only AES-CM SRTP (what Chromium picks) over a host UDP pair is done so;
 * anything else stays on werift's path (session.ts).
 *
 * With forward error correction on (fec_policy.ts), every packet goes out
 * in RED, and after each group of packets (a frame, or several small ones,
 * at most 48 packets) its ULPFEC packets, in RED too, with sequence
 * numbers of their own (transports/rtp/fec). A media packet is written one
 * byte into its buffer, given to the group as the browser will rebuild it,
 * and turned into RED in place.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import type { RTCDtlsTransport, RTCRtpSender } from "werift";
import {
  fecCount,
  RED_HEADER_BYTES,
  redFromMedia,
  ULPFEC_MAX_PACKET_BYTES,
} from "../../transports/rtp/fec/mod.ts";
import { DatagramBatch, familyOf } from "../../ffi/net/mod.ts";
import type { PacketPool } from "./fanout.ts";
import { FecPackets } from "./fec_send.ts";
import type { FecPayloadTypes } from "./offer.ts";
import {
  type CtrCipher,
  protectInPlace,
  SRTP_TAG_BYTES,
  type SrtpState,
  stateOf,
} from "./fast_srtp.ts";
import {
  ABS_SEND_TIME_URI,
  absSendTime,
  checkRewriteParams,
  headerBytes,
  MID_URI,
  type RewriteParams,
  rewriteRtp,
} from "./rtp_rewrite.ts";

/** A packet buffer: an Ethernet MTU. Bigger packets get a one-off buffer. */
const SLOT_BYTES = 1500;
/**
 * Packets per sendmmsg. Reason: at 2 Mb/s a keyframe is ~40 packets and a
 * delta frame 5–10; 64 sends most frames whole in one call, for 96 KiB of
 * slots per session.
 */
const BATCH = 64;
/** Packets remembered for NACKs: ~0.6 s at 2 Mb/s, as werift's 128 is ~0.1 s at 8 Mb/s. */
const HISTORY = 512;
/** A group ends at a frame's end once it has this many packets: one FEC packet per small frame costs too much. */
const MIN_GROUP_PACKETS = 4;
/** Seconds from 1900 (NTP) to 1970 (Unix). */
const NTP_UNIX_OFFSET_S = 2_208_988_800;

/** The parts of werift's objects this file uses (its own types keep most of them private). */
interface UdpSocketLike {
  send(
    msg: Uint8Array,
    offset: number,
    length: number,
    port: number,
    address: string,
    callback: (error: Error | null) => void,
  ): void;
  address(): { address: string; port: number };
}
interface PairLike {
  protocol: {
    /** "turn" for a relayed pair: its socket talks to the TURN server, not to the peer. */
    type?: string;
    transport?: { type?: string; closed?: boolean; socket?: UdpSocketLike };
  };
  remoteCandidate: { host: string; port: number };
}
interface ConnectionLike {
  nominated?: PairLike;
  canSendApplicationData(): boolean;
}
interface SenderLike {
  ssrc: number;
  mid?: string;
  codec?: { payloadType: number };
  headerExtensions: { id: number; uri: string }[];
  packetCount: number;
  octetCount: number;
  ntpTimestamp: bigint;
  rtpTimestamp: number;
  runRtcp(): Promise<void>;
}
interface TransportLike {
  srtp?: { localContext?: { cipher?: Partial<CtrCipher> } };
  iceTransport: { connection: ConnectionLike };
  bytesSent: number;
  packetsSent: number;
}

/** One reusable buffer and what to call once the socket has sent it. */
interface Slot {
  buf: Uint8Array;
  /** buf from its second byte: a media packet is written there before it becomes RED. */
  readonly shifted: Uint8Array;
  after: () => void;
  readonly sent: (error: Error | null) => void;
  /** Its index in the batch, or -1: a buffer node:dgram sends. */
  readonly batchIndex: number;
}

const noop = () => {};

function relayed(pair: PairLike | undefined): boolean {
  return pair?.protocol.type === "turn";
}

export class DirectSender {
  readonly #params: RewriteParams;
  /** The same with RED's payload type, for FEC packets. */
  readonly #redParams: RewriteParams | null;
  /** The FEC packets and the group they are made from, when the browser negotiated them. */
  readonly #fec: FecPackets | null;
  /** FEC packets per media packet; 0: off (plain media packets, no RED). */
  #protection = 0;
  readonly #head: number;
  readonly #srtp: SrtpState;
  readonly #sender: SenderLike;
  readonly #transport: TransportLike;
  readonly #connection: ConnectionLike;
  #pool: PacketPool;
  readonly #free: Slot[] = [];
  #seq: number;
  #roc = 0;
  #timestampOffset: number;
  /** The last new packet's timestamp (as sent) and capture time, to join another stream's timeline. */
  #lastTimestamp = -1;
  #lastCaptureMs = 0;
  /** Moved to another stream: the next packet's timestamp is set by the time that passed. */
  #rebase = false;
  /** Outgoing sequence → pool sequence and SRTP index (roc · 2^16 + seq), for NACKs. */
  readonly #historyPool = new Float64Array(HISTORY).fill(-1);
  readonly #historyIndex = new Float64Array(HISTORY).fill(-1);
  #pair: PairLike | undefined;
  #socket: UdpSocketLike | undefined;
  #host = "";
  #port = 0;
  #rtcpStarted = false;
  /** The batch and its slots, once a pair's socket could be borrowed; null: node:dgram. */
  #batch: DatagramBatch | null = null;
  #batchSlots: Slot[] = [];
  /** Packets written into the batch and not yet sent, their lengths and their `done`s. */
  #batched = 0;
  readonly #lengths = new Int32Array(BATCH);
  readonly #dones: (() => void)[] = new Array(BATCH).fill(noop);
  #flushQueued = false;
  readonly #flushTask = () => this.#flush();
  /** Packets resent for NACKs. */
  resent = 0;
  /** Packets the kernel could not take at once (a full send buffer), sent through node:dgram. */
  deferred = 0;
  /** ULPFEC packets sent, and their bytes (RTP headers and payloads, as SRTP counts them). */
  fecPackets = 0;
  fecBytes = 0;

  private constructor(
    sender: SenderLike,
    transport: TransportLike,
    srtp: SrtpState,
    params: RewriteParams,
    pool: PacketPool,
    fec: FecPayloadTypes | null,
  ) {
    this.#sender = sender;
    this.#transport = transport;
    this.#connection = transport.iceTransport.connection;
    this.#srtp = srtp;
    this.#params = params;
    this.#head = headerBytes(params);
    this.#pool = pool;
    this.#fec = fec === null ? null : new FecPackets(fec);
    this.#redParams = fec === null ? null : { ...params, payloadType: fec.red };
    const r = randomBytes(6);
    this.#seq = r.readUInt16BE(0);
    this.#timestampOffset = r.readUInt32BE(2);
  }

  /**
   * The direct path for a connected session, or null where it does not
   * apply (another SRTP profile, a codec or extension it cannot write, or a
   * pair relayed by eyrie's TURN allocation: packets to the peer must go
   * through the TURN server inside Send indications or ChannelData, which
   * werift's path does).
   */
  static for(
    rtpSender: RTCRtpSender,
    dtlsTransport: RTCDtlsTransport,
    pool: PacketPool,
    fec: FecPayloadTypes | null = null,
  ): DirectSender | null {
    const sender = rtpSender as unknown as SenderLike;
    const transport = dtlsTransport as unknown as TransportLike;
    const cipher = transport.srtp?.localContext?.cipher;
    if (relayed(transport.iceTransport.connection.nominated)) return null;
    if (
      cipher?.srtpSessionKey === undefined || cipher.srtpSessionSalt === undefined ||
      cipher.srtpSessionAuthTag === undefined || sender.codec === undefined
    ) return null;
    const ext = (uri: string) => sender.headerExtensions.find((e) => e.uri === uri)?.id ?? null;
    const midId = ext(MID_URI);
    try {
      const params = checkRewriteParams({
        payloadType: sender.codec.payloadType,
        ssrc: sender.ssrc >>> 0,
        mid: midId !== null && sender.mid ? { id: midId, value: Buffer.from(sender.mid) } : null,
        absSendTimeId: ext(ABS_SEND_TIME_URI),
      });
      return new DirectSender(sender, transport, stateOf(cipher as CtrCipher), params, pool, fec);
    } catch {
      return null;
    }
  }

  /**
   * Sends pool packet `seq`; `done` once the socket is done with it. False
   * when nothing went out (no usable ICE pair yet, not an RTP packet).
   */
  send(seq: number, done: () => void): boolean {
    // A packet too big to protect ends the group before it (its FEC takes the next numbers).
    const group = this.#fec?.group;
    const pending = group !== undefined && this.#protection > 0 && group.count > 0;
    if (pending && this.#pool.size(seq) - 12 + this.#head > ULPFEC_MAX_PACKET_BYTES) {
      this.#sendFec();
    }
    const out = this.#seq;
    if (!this.#write(seq, out, this.#index(out), done)) return false;
    this.#advance(out, seq);
    if (group !== undefined && group.count > 0) {
      const marker = (this.#pool.data(seq)[this.#pool.offset(seq) + 1] & 0x80) !== 0;
      if (group.full || (marker && group.count >= MIN_GROUP_PACKETS)) this.#sendFec();
    }
    return true;
  }

  /**
   * Sets the FEC protection (FEC packets per media packet, 0 = off): from
   * the next packet on, media goes out in RED with ULPFEC after each group.
   * Ignored when the browser did not negotiate RED and ULPFEC.
   */
  setProtection(protection: number): void {
    if (this.#fec === null) return;
    if (protection === 0) this.#fec.group.reset();
    this.#protection = protection;
  }

  /** Whether packets go out in sendmmsg batches on the borrowed socket (else node:dgram). */
  get batching(): boolean {
    return this.#batch?.aimed === true;
  }

  /** The FEC protection now (0: off, or not negotiated). */
  get protection(): number {
    return this.#protection;
  }

  /**
   * Notes outgoing `out` as pool packet `seq` (or FEC packet `-2 - slot`),
   * and moves to the next number.
   */
  #advance(out: number, seq: number): void {
    const h = out & (HISTORY - 1);
    this.#historyPool[h] = seq;
    this.#historyIndex[h] = this.#roc * 65536 + out;
    this.#seq = (out + 1) & 0xffff;
    if (this.#seq === 0) this.#roc++;
  }

  /** Sends the group's ULPFEC packets, each in RED, and empties the group. */
  #sendFec(): void {
    const fec = this.#fec!;
    const m = fecCount(fec.group.count, this.#protection);
    for (let j = 0; j < m && this.#route(); j++) {
      const out = this.#seq;
      const index = this.#index(out);
      const slot = fec.make(j, m, index, this.#lastTimestamp >>> 0);
      this.#writeFec(slot, out, index);
      this.fecPackets++;
      this.#advance(out, -2 - slot);
    }
    fec.group.reset();
  }

  /** Writes kept FEC packet `slot` as outgoing `out` (SRTP index `index`) and sends it. */
  #writeFec(slot: number, out: number, index: number): void {
    const fec = this.#fec!;
    const length = fec.length(slot);
    const buf = this.#slot(length);
    const nowMs = performance.timeOrigin + performance.now();
    const end = rewriteRtp(
      fec.store,
      fec.offset(slot),
      length,
      buf.buf,
      this.#redParams!,
      out,
      fec.timestamp(slot),
      absSendTime(nowMs),
    );
    const sent = protectInPlace(this.#srtp, buf.buf, this.#head, end, Math.floor(index / 65536));
    this.#emit(buf, sent, noop);
    this.#count(false, end, sent, fec.timestamp(slot), this.#lastCaptureMs);
    this.fecBytes += sent;
  }

  /**
   * Takes packets from another stream's pool from now on (the viewer moved
   * between main and sub stream): its timestamps join this session's
   * timeline by capture time, and NACKs for packets of the old stream go
   * unanswered (they no longer matter: the new stream starts at a keyframe).
   */
  moveTo(pool: PacketPool): void {
    if (pool === this.#pool) return;
    this.#pool = pool;
    this.#historyPool.fill(-1);
    this.#historyIndex.fill(-1);
    this.#rebase = this.#lastTimestamp >= 0;
  }

  /** Sends again what went out as `lost` (a browser's NACK), if the pool still has it. */
  resend(lost: readonly number[]): void {
    for (const out of lost) {
      const h = out & (HISTORY - 1);
      const index = this.#historyIndex[h];
      const seq = this.#historyPool[h];
      if (index < 0 || (index & 0xffff) !== out) continue;
      if (seq <= -2) {
        // An FEC packet (see fec_send.ts for why these are resent too).
        const slot = -2 - seq;
        if (this.#fec?.holds(slot, index) && this.#route()) {
          this.#writeFec(slot, out, index);
          this.resent++;
        }
      } else if (seq >= this.#pool.oldest && this.#write(seq, out, index, noop)) this.resent++;
    }
  }

  #index(out: number): number {
    return this.#roc * 65536 + out;
  }

  /** Writes pool packet `seq` as outgoing `out` (SRTP index `index`) and sends it. */
  #write(seq: number, out: number, index: number, done: () => void): boolean {
    if (!this.#route()) return false;
    const pool = this.#pool;
    const src = pool.data(seq);
    const at = pool.offset(seq);
    const size = pool.size(seq);
    const slot = this.#slot(size + RED_HEADER_BYTES);
    const red = this.#protection > 0;
    // RFC 3550 5.1: the timestamp is bytes 4–7 of the camera's packet.
    const own = ((src[at + 4] << 24) | (src[at + 5] << 16) | (src[at + 6] << 8) | src[at + 7]) >>>
      0;
    const captureMs = pool.captureNs(seq) / 1e6;
    const fresh = done !== noop; // a new packet, not a NACK's resend
    if (fresh && this.#rebase) {
      // 90 kHz: the first packet of the other stream is as far after the last one as its capture.
      const want = this.#lastTimestamp +
        Math.max(1, Math.round((captureMs - this.#lastCaptureMs) * 90));
      this.#timestampOffset = (want - own) >>> 0;
      this.#rebase = false;
    }
    const timestamp = (own + this.#timestampOffset) >>> 0;
    if (fresh) {
      this.#lastTimestamp = timestamp;
      this.#lastCaptureMs = captureMs;
    }
    const nowMs = performance.timeOrigin + performance.now();
    let end = rewriteRtp(
      src,
      at,
      size,
      red ? slot.shifted : slot.buf,
      this.#params,
      out,
      timestamp,
      absSendTime(nowMs),
    );
    if (end < 0) {
      if (slot.batchIndex < 0) this.#free.push(slot);
      return false;
    }
    if (red) {
      // A new packet joins the group as the browser rebuilds it (its own payload type, no RED
      // header); one too big to protect goes out unprotected (send() ended the group before it).
      const group = this.#fec!.group;
      if (fresh && end <= ULPFEC_MAX_PACKET_BYTES) group.add(slot.buf, 1, end);
      else if (fresh) group.reset();
      end = redFromMedia(slot.buf, 0, this.#head, end, this.#fec!.types.red);
    }
    const length = protectInPlace(this.#srtp, slot.buf, this.#head, end, Math.floor(index / 65536));
    this.#emit(slot, length, done);
    // RFC 3550 6.4.1: a sender report's NTP time is the instant its RTP timestamp stands for, the
    // capture, not the send: a viewer's first frames are sent from a keyframe up to a second old.
    this.#count((src[at + 1] & 0x80) !== 0, end, length, timestamp, captureMs);
    return true;
  }

  /** The nominated pair's socket and address, cached until the pair changes. */
  #route(): boolean {
    const c = this.#connection;
    if (!c.canSendApplicationData()) return false;
    const pair = c.nominated!;
    if (pair !== this.#pair) {
      const t = pair.protocol.transport;
      if (relayed(pair)) return false;
      if (t?.type !== "udp" || t.socket === undefined) return false;
      this.#flush(); // what was written for the old pair goes to it
      this.#pair = pair;
      this.#socket = t.socket;
      this.#host = pair.remoteCandidate.host;
      this.#port = pair.remoteCandidate.port;
      this.#aim(t.socket);
    }
    return this.#open();
  }

  /** Whether the pair's socket is still open (werift sets `closed` before it closes it). */
  #open(): boolean {
    return this.#pair !== undefined && this.#pair.protocol.transport?.closed !== true;
  }

  /** Borrows the pair's socket for batches; node:dgram where it cannot. */
  #aim(socket: UdpSocketLike): void {
    try {
      const local = socket.address();
      this.#batch ??= new DatagramBatch({ capacity: BATCH, slotBytes: SLOT_BYTES });
      const aimed = this.#batch.aim(
        { family: familyOf(local.address), address: local.address, port: local.port },
        { family: familyOf(this.#host), address: this.#host, port: this.#port },
      );
      if (aimed && this.#batchSlots.length === 0) {
        const batch = this.#batch;
        this.#batchSlots = Array.from({ length: BATCH }, (_, i) => {
          const buf = batch.slot(i);
          return {
            buf,
            shifted: buf.subarray(RED_HEADER_BYTES),
            after: noop,
            sent: noop,
            batchIndex: i,
          };
        });
      }
    } catch {
      // An address sendmmsg cannot take (an IPv6 zone): node:dgram sends.
      this.#batch?.release();
    }
  }

  /** Sends `slot[0, length)`; `done` once the socket is done with it. */
  #emit(slot: Slot, length: number, done: () => void): void {
    if (slot.batchIndex < 0) {
      slot.after = done;
      this.#socket!.send(slot.buf, 0, length, this.#port, this.#host, slot.sent);
      return;
    }
    const i = this.#batched++;
    this.#lengths[i] = length;
    this.#dones[i] = done;
    if (this.#batched === BATCH) this.#flush();
    else if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(this.#flushTask);
    }
  }

  /**
   * Sends what the batch holds, in one system call. What the kernel did not
   * take at once (its send buffer full) goes through node:dgram, copied,
   * which waits for room; a closed socket takes nothing.
   */
  #flush(): void {
    this.#flushQueued = false;
    const count = this.#batched;
    if (count === 0) return;
    this.#batched = 0;
    const batch = this.#batch!;
    if (this.#open() && batch.aimed) {
      const { sent } = batch.send(count, this.#lengths);
      for (let i = sent; i < count; i++) {
        const copy = Buffer.from(batch.slot(i).subarray(0, this.#lengths[i]));
        this.#socket!.send(copy, 0, copy.length, this.#port, this.#host, noop);
        this.deferred++;
      }
    }
    for (let i = 0; i < count; i++) {
      const done = this.#dones[i];
      this.#dones[i] = noop;
      done();
    }
  }

  #slot(srcBytes: number): Slot {
    const need = srcBytes + this.#head + SRTP_TAG_BYTES;
    if (need <= SLOT_BYTES && this.#batch?.aimed) return this.#batchSlots[this.#batched];
    if (need <= SLOT_BYTES) {
      const free = this.#free.pop();
      if (free !== undefined) return free;
    }
    const buf = new Uint8Array(Math.max(SLOT_BYTES, need));
    const slot: Slot = {
      buf,
      shifted: buf.subarray(RED_HEADER_BYTES),
      batchIndex: -1,
      after: noop,
      sent: () => {
        const after = slot.after;
        slot.after = noop;
        if (slot.buf.length === SLOT_BYTES) this.#free.push(slot);
        after();
      },
    };
    return slot;
  }

  /** werift's counters, for its sender reports (RFC 3550 6.4.1) and stats. */
  #count(marker: boolean, end: number, length: number, timestamp: number, captureMs: number) {
    const s = this.#sender;
    s.packetCount = (s.packetCount + 1) >>> 0;
    s.octetCount += end - this.#head;
    this.#transport.bytesSent += length;
    this.#transport.packetsSent++;
    // The NTP time and RTP timestamp of a sender report must belong together: update both at
    // the end of each frame (the marker bit), not per packet (a BigInt each).
    if (marker || !this.#rtcpStarted) {
      const ntpS = captureMs / 1000 + NTP_UNIX_OFFSET_S;
      const seconds = Math.floor(ntpS);
      s.ntpTimestamp = (BigInt(seconds) << 32n) |
        BigInt(Math.floor((ntpS - seconds) * 4_294_967_296));
      s.rtpTimestamp = timestamp;
    }
    if (!this.#rtcpStarted) {
      this.#rtcpStarted = true;
      void s.runRtcp();
    }
  }
}
