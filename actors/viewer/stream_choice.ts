/**
 * Which of a camera's streams one viewer gets: the main stream, or the sub
 * stream (`[camera.sub]`) while its link cannot carry the main one. The
 * main stream's bitrate is never lowered for a viewer (it is what is
 * recorded); a viewer whose link degrades moves to the smaller stream
 * instead, and back when the link has been good for a while.
 *
 * - **Down**: {@linkcode DOWN_REPORTS} receiver reports in a row with more
 *   than {@linkcode DOWN_LOSS} lost (GCC's "overuse" loss, abr.ts's
 *   LOSS_HIGH). One bad report is often a burst, not a link.
 * - **Up**: every report below {@linkcode UP_LOSS} for
 *   {@linkcode UP_AFTER_MS}. A move up that fails within
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
export const DOWN_REPORTS = 2;
export const UP_LOSS = 0.02;
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
}

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
  };
}

/** The state after one new receiver report (its fraction lost, 0..1) at `nowMs`. */
export function nextStream(state: StreamState, fractionLost: number, nowMs: number): StreamState {
  if (!state.adaptive) return state;
  const bad = fractionLost > DOWN_LOSS ? state.bad + 1 : 0;
  const good = fractionLost < UP_LOSS;
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
    };
  }
  return { ...state, bad, goodSinceMs };
}
