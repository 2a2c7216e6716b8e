/**
 * The forward actor: connects to another eyrie's access-unit receiver over
 * TLS 1.3 with mutual authentication (transports/tls, the receiver pinned
 * by fingerprint) or over QUIC with RTP in datagrams (transports/quic,
 * `transport = "quic"`), reads the camera's access-unit ring from the newest
 * keyframe on, and sends every access unit. `send()` never waits: a slow
 * link drops to the next keyframe in the transport's queue, never stalls
 * the ring. The receiver is a link to the world outside
 * (actors/supervisor/link.ts): a refused or lost connection takes it offline
 * with the cause, retried per `LINK_RETRY` without crashing, so a receiver
 * that is down never restarts the camera's subtree; the state and cause are
 * in the stats, and the log has a line per change, not per try.
 *
 * @module
 */
import { FrameFlags, FrameFormat, linkStatus } from "../defs.ts";
import { RingReader } from "../ring/mod.ts";
import { runActor } from "../runtime/worker.ts";
import { Link, type LinkNote } from "../supervisor/link.ts";
import { connectAuSender, type TlsAuSender } from "../../transports/tls/mod.ts";
import { connectQuicSender, type QuicAuSender, senderEndpoint } from "../../transports/quic/mod.ts";
import type { ForwardProtocol, ForwardStats } from "./protocol.ts";
import { forwardCause } from "./cause.ts";

const STATS_EVERY_MS = 1000;
/** The ring is polled this often, so stop and a closed connection are noticed. */
const WAIT_MS = 100;
/** Queued units get this long to leave on stop, well inside the actor's shutdown time. */
const FLUSH_ON_STOP_MS = 1000;

function sleep(ms: number, stopped: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const started = performance.now();
    const tick = () => {
      if (stopped() || performance.now() - started >= ms) resolve();
      else setTimeout(tick, Math.min(WAIT_MS, ms));
    };
    tick();
  });
}

runActor<ForwardProtocol>(() => {
  let running = true;
  let loop: Promise<void> = Promise.resolve();
  let sender: TlsAuSender | QuicAuSender | null = null;
  // One QUIC endpoint for every try: Deno never frees a closed one's socket.
  let endpoint: Deno.QuicEndpoint | null = null;
  let report = () => {};
  let stopped: (value: null) => void = () => {};
  const stopping = new Promise<null>((resolve) => (stopped = resolve));
  return {
    start(init, ctx) {
      const cfg = init.config;
      const to = `${cfg.host.includes(":") ? `[${cfg.host}]` : cfg.host}:${cfg.port}`;
      const link = new Link({ what: `forward ${init.index} to ${to}` });
      const note = (n: LinkNote | null) => {
        if (n !== null) ctx.log[n.level](n.message, { to, ...n.fields });
      };
      const stats: ForwardStats = {
        ...linkStatus(link.state),
        to,
        outages: 0,
        connects: 0,
        sent: 0,
        sentBytes: 0,
        dropped: 0,
        ringDrops: 0,
        lastError: null,
        server: null,
      };
      // Counters of finished connections, so stats add up across reconnections.
      const past = { sent: 0, sentBytes: 0, dropped: 0, ringDrops: 0 };
      let reader: RingReader | null = null;
      report = () => {
        const s = sender?.stats;
        stats.sent = past.sent + (s?.sent ?? 0);
        stats.sentBytes = past.sentBytes + (s?.sentBytes ?? 0);
        stats.dropped = past.dropped + (s?.dropped ?? 0);
        stats.ringDrops = past.ringDrops + (reader?.drops ?? 0);
        Object.assign(stats, linkStatus(link.state));
        stats.outages = link.outages;
        ctx.emit({ type: "stats", stats: { ...stats } });
      };
      let scratch = new Uint8Array(256 * 1024);
      let rejected = 0;
      let lastReport = performance.now();
      const maybeReport = () => {
        const now = performance.now();
        if (now - lastReport >= STATS_EVERY_MS) {
          lastReport = now;
          report();
        }
      };

      /** Sends from the ring until the connection ends or the actor stops. */
      const pump = async (s: TlsAuSender | QuicAuSender) => {
        let closed = false;
        s.closed.then(() => (closed = true));
        // From the newest keyframe still in the ring: the receiver can decode at once.
        const r = new RingReader(init.au, init.reader, { start: "keyframe" });
        reader = r;
        try {
          while (running && !closed) {
            if ((await r.wait(WAIT_MS)) === "ready") {
              while (r.next()) {
                if (r.size > scratch.length) scratch = new Uint8Array(r.size * 2);
                // Copy, then check: a unit the encoder overwrote meanwhile is never sent.
                const n = r.copyTo(scratch);
                if (n < 0) continue;
                const format = r.format === FrameFormat.JPEG ? FrameFormat.JPEG : FrameFormat.H264;
                try {
                  s.send({
                    flags: r.flags & (FrameFlags.KEYFRAME | FrameFlags.CONFIG) |
                      (r.gap ? FrameFlags.DISCONT : 0),
                    format,
                    ptsNs: r.pts,
                    captureNs: r.captureNs,
                    data: scratch.subarray(0, n),
                  });
                } catch (error) {
                  // A unit the wire format cannot carry (over its size bound): skip it.
                  rejected++;
                  if (rejected === 1) {
                    ctx.log.warn("access unit not sent", { error: (error as Error).message });
                  }
                }
              }
            }
            maybeReport();
          }
        } finally {
          past.ringDrops += r.drops;
          reader = null;
          r.close();
        }
      };

      loop = (async () => {
        while (running) {
          link.connecting();
          try {
            const extraCa = cfg.ca === "" ? undefined : [await Deno.readTextFile(cfg.ca)];
            const connecting: Promise<TlsAuSender | QuicAuSender> = cfg.transport === "quic"
              ? connectQuicSender({
                host: cfg.host,
                port: cfg.port,
                certsDir: cfg.dir,
                name: cfg.cert,
                remote: cfg.remote,
                extraCa,
                endpoint: endpoint ??= senderEndpoint(cfg.host),
                // The receiver lost a frame: the encoder's next one is an IDR.
                onKeyframeRequest: () => ctx.emit({ type: "keyframe" }),
              })
              : connectAuSender({
                host: cfg.host,
                port: cfg.port,
                certsDir: cfg.dir,
                name: cfg.cert,
                remote: cfg.remote,
                extraCa,
                // The pin names the receiver; its certificate need not carry this host name.
                checkHostname: false,
              });
            // A stop does not wait for a handshake with a slow or silent receiver.
            const first = await Promise.race([connecting, stopping]);
            if (first === null) {
              connecting.then((late) => late.close(0), () => {});
              break;
            }
            sender = first;
          } catch (error) {
            stats.lastError = forwardCause(error, to);
            const { delayMs, note: down } = link.down(stats.lastError);
            note(down);
            report();
            await sleep(delayMs, () => !running);
            continue;
          }
          const up = link.up();
          if (up !== null && up.message.endsWith("up again")) note(up);
          stats.connects++;
          stats.server = sender.serverFingerprint256;
          ctx.log.info("forwarding", { to, server: sender.serverFingerprint256 });
          ctx.emit({ type: "keyframe" });
          report();
          const current = sender;
          await pump(current);
          const s = current.stats;
          past.sent += s.sent;
          past.sentBytes += s.sentBytes;
          past.dropped += s.dropped;
          sender = null;
          stats.server = null;
          if (!running) {
            await current.close(FLUSH_ON_STOP_MS);
            break;
          }
          stats.lastError = current.error === null
            ? "the receiver closed the connection"
            : forwardCause(current.error, to);
          const { delayMs, note: down } = link.down(stats.lastError);
          note(down);
          await current.close(0);
          report();
          await sleep(delayMs, () => !running);
        }
      })();
      loop.catch((error) => ctx.crash(error));
    },
    async stop() {
      running = false;
      stopped(null);
      await loop.catch(() => {});
      endpoint?.close();
    },
    cast(msg) {
      switch (msg.type) {
        case "report":
          report();
          return;
      }
    },
    calls: {},
  };
});
