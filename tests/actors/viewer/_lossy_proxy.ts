/**
 * A UDP proxy between Chromium and eyrie, a lossy link for the FEC test and
 * bench. Of eyrie's RTP packets it loses `loss` at random, from a seeded
 * generator (the same draws in the same order on every run; a resend is a
 * new draw); it can also lose a share of the packets that end a frame (RTP
 * marker bit, in the clear under SRTP) for good, every resend of them too,
 * chosen by a hash of the sequence number (`markersLostForGood`); and it
 * can delay both directions by `delayMs`. STUN, DTLS and RTCP are never
 * lost; everything from the browser passes.
 */
import dgram from "node:dgram";

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    return mix(a);
  };
}

function mix(x: number): number {
  let t = x >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

export interface LossyOptions {
  /** Fraction of eyrie's RTP packets lost at random (0–1). */
  loss: number;
  /** Fraction of frame-ending packets lost with all their resends (0–1). */
  markersLostForGood?: number;
  /** One-way delay, each direction, ms. */
  delayMs?: number;
  seed?: number;
}

export class LossyUdpProxy {
  /** What it does now; change it at any time. */
  loss: number;
  markersLostForGood: number;
  delayMs: number;
  /** RTP packets from eyrie seen, lost at random, and lost for good (resends included). */
  rtp = 0;
  dropped = 0;
  droppedForGood = 0;
  readonly #seed: number;
  readonly #random: () => number;
  readonly #front = dgram.createSocket("udp4");
  readonly #back = dgram.createSocket("udp4");
  #browser: { address: string; port: number } | null = null;
  #closed = false;
  /** Sequence numbers of the frame-ending packets lost for good. */
  readonly lostForGood = new Set<number>();

  constructor(options: LossyOptions) {
    this.loss = options.loss;
    this.markersLostForGood = options.markersLostForGood ?? 0;
    this.delayMs = options.delayMs ?? 0;
    this.#seed = options.seed ?? 0x5eed;
    this.#random = seeded(this.#seed);
  }

  #later(f: () => void): void {
    if (this.delayMs > 0) setTimeout(() => this.#closed || f(), this.delayMs);
    else f();
  }

  /** Listens on a loopback port for the browser, forwarding to eyrie at `eyriePort`; returns it. */
  async start(eyriePort: number): Promise<number> {
    this.#front.on("message", (m, r) => {
      this.#browser = { address: r.address, port: r.port };
      this.#later(() => this.#back.send(m, eyriePort, "127.0.0.1"));
    });
    this.#back.on("message", (m) => {
      if (this.#browser === null) return;
      // RFC 5761: RTP and RTCP on one port, told apart by the second byte (RTCP 192–223).
      const rtp = m.length >= 12 && m[0] >> 6 === 2 && (m[1] < 192 || m[1] > 223);
      if (rtp) {
        this.rtp++;
        const seq = (m[2] << 8) | m[3];
        if ((m[1] & 0x80) !== 0 && mix(seq ^ this.#seed) < this.markersLostForGood) {
          this.droppedForGood++;
          this.lostForGood.add(seq);
          return;
        }
        if (this.#random() < this.loss) {
          this.dropped++;
          return;
        }
      }
      const to = this.#browser;
      this.#later(() => this.#front.send(m, to.port, to.address));
    });
    await new Promise<void>((r) => this.#back.bind(0, "127.0.0.1", r));
    await new Promise<void>((r) => this.#front.bind(0, "127.0.0.1", r));
    return this.#front.address().port;
  }

  close(): void {
    this.#closed = true;
    this.#front.close();
    this.#back.close();
  }
}
