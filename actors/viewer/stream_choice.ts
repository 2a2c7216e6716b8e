/**
 * Which of a camera's streams one viewer gets: the main stream, or the sub
 * stream (`[camera.sub]`) while its link cannot carry the main one. The
 * main stream's bitrate is never lowered for a viewer (it is what is
 * recorded); a viewer whose link degrades moves to the smaller stream
 * instead, and back when the link has been good for a while.
 *
 * - **Down**: {@linkcode DOWN_REPORTS} bad reports in a row. A report is bad
 *   when more than {@linkcode DOWN_LOSS} was lost (GCC's "overuse" loss,
 *   abr.ts's LOSS_HIGH), when its interarrival jitter is above
 *   {@linkcode DOWN_JITTER_MS} (queues are building on the path: a link
 *   slower than the stream delays before it drops), or, on the main stream,
 *   when the browser's bandwidth estimate (REMB) fell below
 *   {@linkcode DOWN_REMB} of what the main stream carries and below
 *   {@linkcode REMB_FALL} of its highest since the viewer's last move (its
 *   congestion controller cut it: the link takes less). An estimate still
 *   climbing — a session's first seconds, or just after a move up from the
 *   sub stream, whose rate it had followed — is not a fall. One bad report
 *   is often a burst, not a link.
 * - **Up**: every report below {@linkcode UP_LOSS} lost and
 *   {@linkcode UP_JITTER_MS} of jitter for {@linkcode UP_AFTER_MS}. REMB
 *   says nothing here: on the sub stream it estimates an app-limited stream,
 *   so it stays near the sub stream's rate however fast the link is. A move
 *   up that fails within
 *   {@linkcode RETRY_WINDOW_MS} (the link was not good enough) doubles the
 *   wait before the next try, up to {@linkcode MAX_UP_AFTER_MS}: a link
 *   that carries the sub stream but not the main one is probed rarely, not
 *   every few seconds.
 *
 * A viewer that asked for a stream (`?stream=main` or `?stream=sub`) stays
 * on it. Pure: the caller feeds each new report and owns the clock.
 *
 * @module
 */

/** A camera's streams as a viewer sees them. */
export type StreamName = "main" | "sub";
/** What a viewer asked for: `auto` moves with its link. */
export type StreamChoice = "auto" | StreamName;

export const STREAM_CHOICES: readonly StreamChoice[] = ["auto", "main", "sub"];

export const DOWN_LOSS = 0.1;
/**
 * Jitter (RTCP RR, ms) that moves a viewer down. Reason: on a clean link it
 * is a few ms (a keyframe's packets arrive together); a bottleneck slower
 * than the stream spreads each frame's packets over its queue, and 50 ms is
 * well past what a browser's jitter buffer hides without adding latency.
 */
export const DOWN_JITTER_MS = 50;
/**
 * A REMB below this share of the main stream's rate moves a viewer down.
 * Reason: a browser's estimate of an app-limited stream hovers around its
 * rate (and keyframes make a second's rate jump), so only an estimate well
 * below it is the congestion controller speaking.
 */
export const DOWN_REMB = 0.5;
/**
 * A REMB counts only once it fell to this share of its highest since the
 * last move. Reason: a browser's estimator climbs about 8 % a second from
 * where it was; after a move up it starts near the sub stream's rate, far
 * under the main one's, while nothing is wrong.
 */
export const REMB_FALL = 0.8;
export const DOWN_REPORTS = 2;
export const UP_LOSS = 0.02;
/**
 * Jitter at or above this keeps a viewer down: the same line as a bad report. Reason: a
 * tighter line (abr.ts's 30 ms) kept viewers on the sub stream of a clean link while the
 * machine itself was loaded (Chromium's jitter on loopback then reaches 30–50 ms).
 */
export const UP_JITTER_MS = DOWN_JITTER_MS;
/** Good reports this long before moving up (browsers report about once a second). */
export const UP_AFTER_MS = 8_000;
export const RETRY_WINDOW_MS = 30_000;
export const MAX_UP_AFTER_MS = 120_000;

export interface StreamState {
  stream: StreamName;
  /** Whether it moves with the link (asked for `auto` on a camera with a sub stream). */
  adaptive: boolean;
  /** Bad reports in a row. */
  bad: number;
  /** Since when every report was good (ms), or null. */
  goodSinceMs: number | null;
  /** When it last moved up (ms), or null. */
  upAtMs: number | null;
  /** The wait before the next move up. */
  upAfterMs: number;
  /** Times it moved. */
  switches: number;
  /** Why it last moved down (the last of the bad reports), or null if it never did. */
  downReason: DownReason | null;
  /** The highest REMB since it last moved (kbps; 0: none yet). */
  rembPeakKbps: number;
}

/** What made a report bad. */
export type DownReason = "loss" | "jitter" | "remb";

/** Where a viewer starts: `auto` on the main stream; without a sub stream, always main. */
export function initialStream(choice: StreamChoice, hasSub: boolean): StreamState {
  const stream: StreamName = hasSub && choice === "sub" ? "sub" : "main";
  return {
    stream,
    adaptive: hasSub && choice === "auto",
    bad: 0,
    goodSinceMs: null,
    upAtMs: null,
    upAfterMs: UP_AFTER_MS,
    switches: 0,
    downReason: null,
    rembPeakKbps: 0,
  };
}

/** What one viewer's latest RTCP said (abr.ts's ViewerSignal, without its time). */
export interface LinkReport {
  /** Fraction lost since its previous report, 0..1. */
  fractionLost: number;
  /** Interarrival jitter, ms. */
  jitterMs: number;
  /** Its bandwidth estimate (REMB), kbps, or null if it sends none. */
  rembKbps: number | null;
}

/**
 * Why a report counts against the stream the viewer is on, or null when it
 * does not. `mainKbps`: what the main stream carries (0: unknown);
 * `rembPeakKbps`: the viewer's highest REMB since its last move.
 */
export function badReport(
  stream: StreamName,
  report: LinkReport,
  options: { mainKbps: number; rembPeakKbps: number },
): DownReason | null {
  if (report.fractionLost > DOWN_LOSS) return "loss";
  if (report.jitterMs > DOWN_JITTER_MS) return "jitter";
  const remb = report.rembKbps;
  if (
    stream === "main" && remb !== null && options.mainKbps > 0 &&
    remb < options.mainKbps * DOWN_REMB && remb < options.rembPeakKbps * REMB_FALL
  ) return "remb";
  return null;
}

/**
 * The state after one new receiver report at `nowMs`; `mainKbps`: what the
 * main stream carries now (measured), for the REMB rule (0: unknown).
 */
export function nextStream(
  state: StreamState,
  report: LinkReport,
  options: { nowMs: number; mainKbps: number },
): StreamState {
  if (!state.adaptive) return state;
  const { nowMs } = options;
  const rembPeakKbps = Math.max(state.rembPeakKbps, report.rembKbps ?? 0);
  const why = badReport(state.stream, report, { mainKbps: options.mainKbps, rembPeakKbps });
  const bad = why !== null ? state.bad + 1 : 0;
  const good = report.fractionLost < UP_LOSS && report.jitterMs < UP_JITTER_MS;
  const goodSinceMs = good ? (state.goodSinceMs ?? nowMs) : null;
  if (state.stream === "main" && bad >= DOWN_REPORTS) {
    const failedUp = state.upAtMs !== null && nowMs - state.upAtMs < RETRY_WINDOW_MS;
    return {
      ...state,
      stream: "sub",
      bad: 0,
      goodSinceMs: null,
      upAfterMs: failedUp ? Math.min(MAX_UP_AFTER_MS, state.upAfterMs * 2) : UP_AFTER_MS,
      switches: state.switches + 1,
      downReason: why,
      rembPeakKbps: 0,
    };
  }
  if (state.stream === "sub" && goodSinceMs !== null && nowMs - goodSinceMs >= state.upAfterMs) {
    return {
      ...state,
      stream: "main",
      bad: 0,
      goodSinceMs: null,
      upAtMs: nowMs,
      switches: state.switches + 1,
      rembPeakKbps: 0,
    };
  }
  return { ...state, bad, goodSinceMs, rembPeakKbps };
}
