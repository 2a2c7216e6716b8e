/**
 * The forward actor: connects to another eyrie's access-unit receiver over
 * TLS 1.3 with mutual authentication (transports/tls, the receiver pinned
 * by fingerprint), reads the camera's access-unit ring from the newest
 * keyframe on, and sends every access unit. `send()` never waits: a slow
 * link drops to the next keyframe in the transport's queue, never stalls
 * the ring. A refused or lost connection is retried with backoff (1 s
 * doubling to 30 s) without crashing, so a receiver that is down does not
 * restart the camera's subtree; the reason is in the stats and the log.
 *
 * @module
 */
import { FrameFlags, FrameFormat } from "../defs.ts";
import { RingReader } from "../ring/mod.ts";
import { runActor } from "../runtime/worker.ts";
import { connectAuSender, type TlsAuSender } from "../../transports/tls/mod.ts";
import type { ForwardProtocol, ForwardStats } from "./protocol.ts";
import { retryDelayMs } from "./retry.ts";

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
  let sender: TlsAuSender | null = null;
  let report = () => {};
  let stopped: (value: null) => void = () => {};
  const stopping = new Promise<null>((resolve) => (stopped = resolve));
  return {
    start(init, ctx) {
      const cfg = init.config;
      const to = `${cfg.host.includes(":") ? `[${cfg.host}]` : cfg.host}:${cfg.port}`;
      const stats: ForwardStats = {
        state: "connecting",
        to,
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
      const pump = async (s: TlsAuSender) => {
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
        let attempt = 0;
        let lastLogged = "";
        while (running) {
          stats.state = attempt === 0 ? "connecting" : "retrying";
          try {
            const extraCa = cfg.ca === "" ? undefined : [await Deno.readTextFile(cfg.ca)];
            const connecting = connectAuSender({
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
            const why = (error as Error).message;
            stats.lastError = why;
            attempt++;
            // Every new reason is logged once; the same one again only at debug.
            if (why !== lastLogged) ctx.log.error("cannot forward", { to, error: why });
            else ctx.log.debug("cannot forward", { to, error: why, attempt });
            lastLogged = why;
            report();
            await sleep(retryDelayMs(attempt), () => !running);
            continue;
          }
          attempt = 0;
          lastLogged = "";
          stats.state = "connected";
          stats.connects++;
          stats.lastError = null;
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
          stats.lastError = current.error?.message ?? "the receiver closed the connection";
          ctx.log.warn("forward connection ended", { to, error: stats.lastError });
          await current.close(0);
          report();
          attempt = 1;
          await sleep(retryDelayMs(attempt), () => !running);
        }
      })();
      loop.catch((error) => ctx.crash(error));
    },
    async stop() {
      running = false;
      stopped(null);
      await loop.catch(() => {});
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
