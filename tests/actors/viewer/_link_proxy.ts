/**
 * A UDP proxy between Chromium and eyrie that plays a bad link, in one
 * direction (eyrie → browser; what the browser sends passes as it comes):
 *
 * - `lossy`: RTP packets whose sequence number ends in 0–3 are dropped (RTP
 *   sequence numbers are in the clear under SRTP). A resend keeps its
 *   sequence number, so a lost packet stays lost, as on a bad link.
 * - `throttleKbps`: everything from eyrie waits in a queue that drains at
 *   this rate and never drops: a link slower than the stream, whose delay
 *   grows instead of losing packets (as a bufferbloated uplink does).
 */
import dgram from "node:dgram";

/** Drain step of the throttle. Reason: fine enough that pacing itself adds no jitter worth a report. */
const TICK_MS = 5;
/** Bytes the throttle may send at once after an idle moment: two full packets. */
const BURST_BYTES = 2 * 1200;

export class LinkProxy {
  lossy = false;
  /** 0: no limit. */
  throttleKbps = 0;
  dropped = 0;
  /** Most bytes queued at once by the throttle. */
  maxQueuedBytes = 0;
  readonly #front = dgram.createSocket("udp4");
  readonly #back = dgram.createSocket("udp4");
  #browser: { address: string; port: number } | null = null;
  readonly #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  #budget = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  async start(eyriePort: number): Promise<number> {
    this.#front.on("message", (m, r) => {
      this.#browser = { address: r.address, port: r.port };
      this.#back.send(m, eyriePort, "127.0.0.1");
    });
    this.#back.on("message", (m) => {
      if (this.#browser === null) return;
      // RFC 5761: RTP and RTCP on one port, told apart by the second byte (RTCP 192–223).
      const rtp = m.length >= 12 && m[0] >> 6 === 2 && (m[1] < 192 || m[1] > 223);
      if (rtp && this.lossy && ((m[2] << 8) | m[3]) % 10 < 4) {
        this.dropped++;
        return;
      }
      if (this.throttleKbps > 0 || this.#queue.length > 0) {
        this.#queue.push(m);
        this.#queuedBytes += m.length;
        this.maxQueuedBytes = Math.max(this.maxQueuedBytes, this.#queuedBytes);
        return;
      }
      this.#front.send(m, this.#browser.port, this.#browser.address);
    });
    let last = performance.now();
    this.#timer = setInterval(() => {
      const now = performance.now();
      const dt = now - last;
      last = now;
      if (this.#browser === null) return;
      if (this.throttleKbps === 0) this.#budget = Infinity;
      else this.#budget = Math.min(BURST_BYTES, this.#budget + (this.throttleKbps * dt) / 8);
      while (this.#queue.length > 0 && this.#queue[0].length <= this.#budget) {
        const m = this.#queue.shift()!;
        this.#budget -= m.length;
        this.#queuedBytes -= m.length;
        this.#front.send(m, this.#browser.port, this.#browser.address);
      }
      if (this.throttleKbps === 0) this.#budget = 0;
    }, TICK_MS);
    await new Promise<void>((r) => this.#back.bind(0, "127.0.0.1", r));
    await new Promise<void>((r) => this.#front.bind(0, "127.0.0.1", r));
    return this.#front.address().port;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#front.close();
    this.#back.close();
  }
}
