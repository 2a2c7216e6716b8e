/**
 * The RTSP server actor: one for the process, every camera at
 * rtsp://HOST:PORT/<camera id>, each camera's RTP ring read once for all
 * its players. Listening is a link (actors/supervisor/link.ts): an address
 * in use is a state with its cause, tried again with LINK_RETRY, never a
 * crash loop. Who may watch is asked of the main thread.
 *
 * @module
 */
import { linkStatus, type StreamAccessVerdict } from "../defs.ts";
import { Link, type LinkNote } from "../supervisor/link.ts";
import { runActor } from "../runtime/worker.ts";
import type { RtspProtocol, RtspServerStats } from "./protocol.ts";
import { RtspServer } from "./server.ts";
import { openServerPorts, type ServerPorts } from "./udp.ts";

const STATS_EVERY_MS = 1000;
/**
 * How long one wait for players' RTCP lasts. Reason: each wait that ends
 * with nothing arrived costs a thread of Deno's blocking pool and this
 * Worker a wake-up (it was 200 ms: five a second for nothing while a player
 * sends a report every few seconds); stopping does not wait it out, the
 * server wakes it with a datagram of its own (wakeRtcp).
 */
const RTCP_WAIT_MS = 5000;
/** The main thread answers an access request at once; past this the client gets 503. */
const VERDICT_TIMEOUT_MS = 10_000;

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "localhost";
  }
}

/** Why listening failed, in words a user can act on. */
function listenCause(error: unknown, where: string): string {
  if (error instanceof Deno.errors.AddrInUse) {
    return `address ${where} is in use (another RTSP server?)`;
  }
  if (error instanceof Deno.errors.AddrNotAvailable) {
    return `address ${where} is not one of this machine's`;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return `no permission to listen on ${where} (a port below 1024?)`;
  }
  return `cannot listen on ${where}: ${error instanceof Error ? error.message : String(error)}`;
}

/** Ends the RTCP wait now: one byte from the server's RTP port to its RTCP port, read as nobody's. */
function wakeRtcp(ports: ServerPorts): void {
  const { address, port } = ports.rtcp.local;
  const to = address === "0.0.0.0" ? "127.0.0.1" : address === "::" ? "::1" : address;
  ports.rtp.send(new Uint8Array(1), 1, ports.rtp.target(to, port));
}

runActor<RtspProtocol>(() => {
  let running = true;
  let server: RtspServer | null = null;
  let listener: Deno.Listener | null = null;
  let ports: ServerPorts | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let udpLoop: Promise<void> = Promise.resolve();
  let report = () => {};
  let nextAsk = 1;
  const asks = new Map<number, (v: StreamAccessVerdict) => void>();
  let cameras: RtspProtocol["init"]["cameras"] = [];

  return {
    start(init, ctx) {
      cameras = init.cameras;
      const where = `${init.listen.hostname}:${init.listen.port}`;
      const link = new Link({ what: `rtsp server on ${where}` });
      let listen = where;
      const note = (n: LinkNote | null) => {
        if (n !== null) ctx.log[n.level](n.message, n.fields);
      };
      const authorize = (request: Parameters<RtspServer["authorize"]>[0]) =>
        new Promise<StreamAccessVerdict>((resolve) => {
          const ask = nextAsk++;
          const timer = setTimeout(() => {
            asks.delete(ask);
            resolve({
              ok: false,
              status: 503,
              reason: "No answer on access in time",
              retryAfterS: 1,
            });
          }, VERDICT_TIMEOUT_MS);
          asks.set(ask, (v) => {
            clearTimeout(timer);
            asks.delete(ask);
            resolve(v);
          });
          ctx.emit({ type: "authorize", ask, request });
        });

      const open = () => {
        if (!running) return;
        link.connecting();
        try {
          listener = Deno.listen({ hostname: init.listen.hostname, port: init.listen.port });
          const addr = listener.addr as Deno.NetAddr;
          const family = addr.hostname.includes(":") ? 6 : 4;
          ports = openServerPorts(addr.hostname, family);
          listen = family === 6
            ? `[${addr.hostname}]:${addr.port}`
            : `${addr.hostname}:${addr.port}`;
          server = new RtspServer({
            log: ctx.log,
            udp: ports,
            udpFamily: family,
            reader: init.reader,
            audioReader: init.audioReader,
            serverName: init.server,
            sessionTimeoutS: init.sessionTimeoutS,
            cname: (camera) => `${camera}@${hostname()}`,
            authorize,
            keyframe: (camera) => ctx.emit({ type: "keyframe", camera }),
          }, cameras);
        } catch (error) {
          listener?.close();
          listener = null;
          ports?.[Symbol.dispose]();
          ports = null;
          const { delayMs, note: down } = link.down(listenCause(error, where));
          note(down);
          retry = setTimeout(open, delayMs);
          return;
        }
        note(link.up());
        ctx.log.info("rtsp server listening", {
          url: `rtsp://${listen}/`,
          udp: ports.ports.join("-"),
          cameras: cameras.map((c) => c.id).join(","),
        });
        const l = listener;
        const s = server;
        (async () => {
          while (running) {
            let conn: Deno.Conn;
            try {
              conn = await l.accept();
            } catch (error) {
              if (!running || error instanceof Deno.errors.BadResource) return;
              // Out of descriptors, a connection reset before accept: that connection only.
              ctx.log.warn("rtsp accept failed", { error: (error as Error).message });
              await new Promise((r) => setTimeout(r, 100));
              continue;
            }
            try {
              s.accept(conn);
            } catch (error) {
              ctx.log.error("rtsp connection refused", { error: (error as Error).message });
              try {
                conn.close();
              } catch { /* closed */ }
            }
          }
        })();
        const p = ports;
        udpLoop = (async () => {
          while (running) {
            await p.rtcp.readable(RTCP_WAIT_MS);
            if (running) s.readUdp();
          }
        })();
        udpLoop.catch((error) => ctx.crash(error));
      };

      report = () => {
        const base = server?.stats() ?? {
          connections: 0,
          sessions: [],
          sessionsTotal: 0,
          sessionsReaped: 0,
          refused: 0,
          malformed: 0,
          packets: 0,
          bytes: 0,
          dropped: 0,
        };
        const stats: RtspServerStats = {
          ...linkStatus(link.state),
          listen,
          udpPorts: ports?.ports ?? null,
          ...base,
        };
        ctx.emit({ type: "stats", stats });
      };
      ticker = setInterval(() => {
        // What players send to the RTP port (keep-alives) is read here, not by a wait of its own.
        server?.readUdp();
        server?.sweep();
        report();
      }, STATS_EVERY_MS);
      open();
    },
    async stop() {
      running = false;
      clearTimeout(retry);
      clearInterval(ticker);
      server?.close();
      listener?.close();
      if (ports !== null) wakeRtcp(ports);
      await udpLoop.catch(() => {});
      ports?.[Symbol.dispose]();
      report();
    },
    cast(msg) {
      switch (msg.type) {
        case "cameras":
          cameras = msg.cameras;
          server?.setCameras(msg.cameras);
          return;
        case "verdict":
          asks.get(msg.ask)?.(msg.verdict);
          return;
        case "report":
          report();
          return;
      }
    },
    calls: {},
  };
});
