/**
 * The viewer actor: every WebRTC viewer of one camera. It copies each RTP
 * packet once out of the packetizer's ring (only while someone watches) into
 * a pool that every session reads at its own pace (fanout.ts), asks the
 * encoder for keyframes (new viewers, PLI/FIR; keyframes.ts) and bitrates
 * (abr.ts), and ends sessions that are gone or never got a frame (health.ts).
 *
 * @module
 */
import { nowNs } from "../defs.ts";
import { RingReader } from "../ring/mod.ts";
import { runActor } from "../runtime/worker.ts";
import { type AbrState, initialAbr, nextAbr } from "./abr.ts";
import { PacketPool } from "./fanout.ts";
import { END_REASONS, type EndReason, sessionVerdict } from "./health.ts";
import { KeyframeLimiter, type KeyframeReason } from "./keyframes.ts";
import { LoopLag, STARVED_MS } from "./loop_lag.ts";
import { OfferGate } from "./offer_gate.ts";
import { ThreadCpu } from "./thread_cpu.ts";
import type { ViewerProtocol, ViewerStats } from "./protocol.ts";
import type { SessionEvents, ViewerSession } from "./session.ts";
import { sendAudio } from "./audio_send.ts";
import { TalkDesk } from "./talk_desk.ts";
import { initialStream, nextStream, type StreamName } from "./stream_choice.ts";

/** The werift side (webrtc.ts), loaded by the first offer. */
type WebRtc = typeof import("./webrtc.ts");

const TICK_MS = 50;
const STATS_EVERY_MS = 1000;
/**
 * A new viewer starts at the newest keyframe only if it is this fresh;
 * older, it waits for the keyframe its arrival asked for. Reason: a burst of
 * old frames makes the browser's jitter buffer grow, and latency with it.
 */
export const START_MAX_AGE_MS = 150;

/** This Worker's V8 heap (used and reserved) and the ArrayBuffers outside it, MiB. */
function heapStats(): { heapMiB: number; heapTotalMiB: number; externalMiB: number } {
  const m = Deno.memoryUsage();
  const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
  return { heapMiB: mib(m.heapUsed), heapTotalMiB: mib(m.heapTotal), externalMiB: mib(m.external) };
}

runActor<ViewerProtocol>(() => {
  const sessions = new Map<string, ViewerSession>();
  // One pool per stream: a viewer moved to the other stream finds its recent packets there.
  const pools: Record<StreamName, PacketPool> = { main: new PacketPool(), sub: new PacketPool() };
  const keyframes: Record<StreamName, KeyframeLimiter> = {
    main: new KeyframeLimiter(),
    sub: new KeyframeLimiter(),
  };
  const lag = new LoopLag(TICK_MS, performance.now());
  let running = true;
  let loop: Promise<void> = Promise.resolve();
  let audioLoop: Promise<void> = Promise.resolve();
  /** Whether the camera has a sub stream (set at start). */
  let hasSubStream = false;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let gate: OfferGate | undefined;
  let talk: TalkDesk | undefined;
  let report = () => {};
  let askKeyframe = (_stream: StreamName, _reason: KeyframeReason = "repair") => {};
  let webrtc: Promise<WebRtc> | undefined;
  let loaded: WebRtc | undefined;
  let crash: (error: unknown) => never = (error) => {
    throw error;
  };
  // werift not loading is a broken install, not a bad offer: the actor crashes and says why.
  const loadWebRtc = () =>
    webrtc ??= import("./webrtc.ts").then(async (m) => {
      await m.prepare();
      loaded = m;
      return m;
    }).catch((error) => crash(error));
  const totals = {
    started: 0,
    packetsSent: 0,
    framesSent: 0,
    dropped: 0,
    pli: 0,
    fir: 0,
    nack: 0,
    switches: 0,
    fecPacketsSent: 0,
    fecBytesSent: 0,
  };
  const ended = Object.fromEntries(END_REASONS.map((r) => [r, 0])) as Record<EndReason, number>;

  const events: SessionEvents = {
    connected(session) {
      gate?.drain(performance.now());
      const pool = session.pool;
      if (session.cursor.start(pool, { nowNs: nowNs(), maxAgeNs: START_MAX_AGE_MS * 1e6 })) {
        askKeyframe(session.stream, "new_viewer");
      }
      session.cursor.pump(pool, session);
    },
    keyframeWanted(session) {
      askKeyframe(session.stream);
    },
    ended(session, reason) {
      sessions.delete(session.id);
      ended[reason]++;
      totals.packetsSent += session.cursor.sent;
      totals.framesSent += session.cursor.frames;
      totals.dropped += session.cursor.dropped;
      totals.pli += session.pli;
      totals.fir += session.fir;
      totals.nack += session.nack;
      totals.switches += session.choice.switches;
      const last = session.stats(performance.now());
      totals.fecPacketsSent += last.fecPacketsSent;
      totals.fecBytesSent += last.fecBytesSent;
      if (sessions.size === 0) {
        pools.main.clear();
        pools.sub.clear();
      }
      gate?.drain(performance.now());
    },
  };

  return {
    start(init, ctx) {
      crash = ctx.crash;
      talk = new TalkDesk(init.cameraId, init.speaker, ctx.log, init.speakerUrl);
      const cpu = new ThreadCpu(performance.now());
      gate = new OfferGate({
        maxViewers: init.maxViewers,
        sessions: () => sessions.values(),
        cpu: () => cpu.share,
      });
      // Adaptive bitrate moves the sub stream's encoder only: the main stream is recorded.
      const limits = init.sub?.bitrate ?? null;
      let abr: AbrState | null = limits === null ? null : initialAbr(limits, performance.now());
      const readers: Partial<Record<StreamName, RingReader>> = {
        main: new RingReader(init.rtp, init.reader, { start: "keyframe" }),
      };
      if (init.sub !== undefined) {
        readers.sub = new RingReader(init.sub.rtp, init.reader, { start: "keyframe" });
      }
      const hasSub = readers.sub !== undefined;
      hasSubStream = hasSub;
      let packetsIn = 0;
      let subBytesIn = 0;
      /** What the main stream carries (kb/s, smoothed), for the REMB rule of stream_choice.ts. */
      let mainBytesIn = 0;
      let mainKbps = 0;
      let streamKbps = 0;
      let streamWindowStart = performance.now();
      askKeyframe = (stream, reason = "repair") => {
        if (keyframes[stream].request(performance.now(), reason)) {
          ctx.emit({ type: "keyframe", stream });
        }
      };
      report = () => {
        const now = performance.now();
        const stats: ViewerStats = {
          viewers: 0,
          connecting: 0,
          waiting: gate!.waiting,
          maxViewers: init.maxViewers,
          refused: { ...gate!.refused },
          started: totals.started,
          ended: { ...ended },
          packetsIn,
          ringDrops: (readers.main?.drops ?? 0) + (readers.sub?.drops ?? 0),
          packetsSent: totals.packetsSent,
          framesSent: totals.framesSent,
          dropped: totals.dropped,
          keyframesAsked: keyframes.main.asked + keyframes.sub.asked,
          keyframesSent: keyframes.main.sent + keyframes.sub.sent,
          pli: totals.pli,
          fir: totals.fir,
          nack: totals.nack,
          targetKbps: abr?.kbps ?? 0,
          onMain: 0,
          onSub: 0,
          switches: totals.switches,
          withFec: 0,
          fecPacketsSent: totals.fecPacketsSent,
          fecBytesSent: totals.fecBytesSent,
          dtlsRetransmitsDropped: loaded?.dtlsRetransmitsDropped() ?? 0,
          webrtcLoaded: loaded !== undefined,
          lagMs: Math.round(lag.lagMs),
          cpuPercent: Math.round(cpu.share * 100),
          ...heapStats(),
          sessions: [],
          talk: talk!.status(),
        };
        for (const s of sessions.values()) {
          const one = s.stats(now);
          stats.sessions.push(one);
          if (one.state === "connected") {
            stats.viewers++;
            if (one.stream === "sub") stats.onSub++;
            else stats.onMain++;
          } else stats.connecting++;
          stats.switches += one.switches;
          if (one.state === "connected" && one.fecProtection > 0) stats.withFec++;
          stats.fecPacketsSent += one.fecPacketsSent;
          stats.fecBytesSent += one.fecBytesSent;
          stats.packetsSent += one.packetsSent;
          stats.framesSent += one.framesSent;
          stats.dropped += one.dropped;
          stats.pli += s.pli;
          stats.fir += s.fir;
          stats.nack += s.nack;
        }
        ctx.emit({ type: "stats", stats });
      };

      let lastReport = performance.now();
      let lastSubUsers = 0;
      ticker = setInterval(() => {
        const now = performance.now();
        const late = lag.tick(now);
        if (late > STARVED_MS) {
          ctx.log.warn("the viewer Worker did not run", { ms: Math.round(late) });
        }
        const judge = !lag.starved(now);
        cpu.sample(now);
        gate!.drain(now);
        talk!.poll(now);
        for (const stream of ["main", "sub"] as const) {
          if (keyframes[stream].poll(now)) ctx.emit({ type: "keyframe", stream });
        }
        const signals = [];
        let subUsers = 0;
        for (const s of sessions.values()) {
          if (s.stream === "sub") subUsers++;
          s.poll(now);
          const verdict = judge ? sessionVerdict(s.clock, now) : null;
          if (verdict !== null) {
            const ago = (t: number | null) => (t === null ? null : Math.round(now - t));
            ctx.log.info("viewer ended", {
              session: s.id,
              reason: verdict,
              heard_ago_ms: ago(s.clock.lastHeardMs),
              acked_ago_ms: ago(s.clock.lastProgressMs),
              unacked_ms: ago(s.clock.unackedSinceMs),
            });
            s.close(verdict);
          } else if (s.state === "connected") {
            if (hasSub && s.signal.atMs > s.judgedReportMs) {
              // A new receiver report: does this viewer's link still carry its stream?
              s.judgedReportMs = s.signal.atMs;
              const next = nextStream(s.choice, s.signal, { nowMs: now, mainKbps });
              if (next.stream !== s.stream) {
                ctx.log.info("viewer moved", {
                  session: s.id,
                  to: next.stream,
                  loss: Math.round(s.signal.fractionLost * 100) / 100,
                  jitter_ms: Math.round(s.signal.jitterMs),
                  remb_kbps: s.signal.rembKbps,
                  main_kbps: Math.round(mainKbps),
                });
                s.switchTo(next);
                askKeyframe(next.stream, "new_viewer");
              } else s.choice = next;
            }
            if (s.stream === "sub") signals.push(s.signal);
            if (s.cursor.pump(s.pool, s)) askKeyframe(s.stream);
          }
        }
        if (subUsers !== lastSubUsers) {
          // The sub stream is made only while used: tell at once, not at the next stats.
          lastSubUsers = subUsers;
          ctx.emit({ type: "sub_users", count: subUsers });
        }
        if (now - streamWindowStart >= STATS_EVERY_MS) {
          streamKbps = (subBytesIn * 8) / (now - streamWindowStart);
          subBytesIn = 0;
          // Smoothed over about 4 s: a keyframe's second is not the stream's rate.
          const kbps = (mainBytesIn * 8) / (now - streamWindowStart);
          mainKbps = mainKbps === 0 ? kbps : mainKbps + (kbps - mainKbps) / 4;
          mainBytesIn = 0;
          streamWindowStart = now;
        }
        if (abr !== null && limits !== null) {
          // The weakest viewer of the sub stream sets its rate; none: its configured rate.
          const next = nextAbr(abr, signals, { limits, nowMs: now, streamKbps });
          if (next.kbps !== abr.kbps) ctx.emit({ type: "bitrate", kbps: next.kbps });
          abr = next;
        }
        if (now - lastReport >= STATS_EVERY_MS) {
          lastReport = now;
          report();
        }
      }, TICK_MS);

      audioLoop = sendAudio(init, () => running, sessions.values.bind(sessions));
      audioLoop.catch((error) => ctx.crash(error));
      /** Copies one stream's packets into its pool and sends them to that stream's viewers. */
      const copy = async (stream: StreamName, reader: RingReader) => {
        const pool = pools[stream];
        try {
          while (running) {
            if ((await reader.wait(100)) !== "ready") continue;
            let fresh = false;
            while (reader.next()) {
              packetsIn++;
              if (stream === "sub") subBytesIn += reader.size;
              else mainBytesIn += reader.size;
              if (sessions.size === 0) continue;
              // One copy per packet into the pool's slab, shared by every viewer of the stream.
              if (pool.pushFrom(reader)) fresh = true;
            }
            if (!fresh) continue;
            for (const s of sessions.values()) {
              if (s.state === "connected" && s.stream === stream && s.cursor.pump(pool, s)) {
                askKeyframe(stream);
              }
            }
          }
        } finally {
          reader.close();
        }
      };
      loop = Promise.all(
        (["main", "sub"] as const).flatMap((k) => {
          const r = readers[k];
          return r === undefined ? [] : [copy(k, r)];
        }),
      ).then(() => {});
      loop.catch((error) => ctx.crash(error));
    },
    async stop() {
      running = false;
      clearInterval(ticker);
      gate?.close("The viewer actor is stopping");
      for (const s of [...sessions.values()]) s.close("shutdown");
      talk?.stop();
      await loop.catch(() => {});
      await audioLoop.catch(() => {});
    },
    cast(msg) {
      switch (msg.type) {
        case "report":
          report();
          return;
      }
    },
    calls: {
      offer: async (args) => {
        const offeredMs = performance.now();
        if (gate === undefined) {
          return { ok: false, problem: "busy", message: "The viewer actor is starting" };
        }
        const turn = await gate.enter(args.client, offeredMs);
        if ("ok" in turn) return turn;
        const stream = initialStream(args.stream, hasSubStream);
        // Ask now: the keyframe is encoded while ICE and DTLS run.
        askKeyframe(stream.stream, "new_viewer");
        try {
          const { ViewerSession } = await loadWebRtc();
          const { session, sdp } = await ViewerSession.answer(args, {
            events,
            now: () => performance.now(),
            offeredMs,
            clientKey: turn.key,
            pools,
            stream,
          });
          if (!running) {
            session.close("shutdown");
            return { ok: false, problem: "rejected", message: "The viewer actor is stopping" };
          }
          sessions.set(session.id, session);
          totals.started++;
          return { ok: true, id: session.id, sdp };
        } catch (error) {
          return gate.count({
            ok: false,
            problem: "rejected",
            message: `The offer could not be answered: ${(error as Error).message}`,
          });
        } finally {
          turn.release();
          gate.drain(performance.now());
        }
      },
      close: (args) => {
        const s = sessions.get(args.id);
        s?.close("closed");
        return Promise.resolve({ closed: s !== undefined });
      },
      talk: async (args) => {
        if (talk === undefined || !running) {
          return { ok: false, problem: "rejected", message: "The viewer actor is not running" };
        }
        const reply = await talk.offer(args, async () => (await loadWebRtc()).TalkSession);
        report();
        return reply;
      },
      talk_close: (args) => {
        const closed = talk?.close(args.id) ?? false;
        if (closed) report();
        return Promise.resolve({ closed });
      },
      trickle: async (args) => {
        const s = sessions.get(args.id);
        if (s === undefined) return { result: "not_found" };
        if (args.ufrag !== null && s.remoteUfrag !== null && args.ufrag !== s.remoteUfrag) {
          return { result: "ice_restart" };
        }
        // An ICE-lite agent answers the browser's checks wherever they come from, and a full
        // one learns them as peer-reflexive too; the candidates let a full agent check first.
        await s.addCandidates(args.candidates);
        return { result: "accepted", candidates: s.localCandidates, mid: s.mid };
      },
    },
  };
});
