/**
 * Adaptive bitrate: what the viewers report (RTCP receiver reports: loss and
 * jitter; REMB: the receiver's bandwidth estimate) picks the encoder's
 * bitrate between the camera's min and max. One encoder serves every viewer,
 * so the viewer that struggles most sets the pace for all of them.
 *
 * The rule is loss-based GCC (draft-ietf-rmcat-gcc 6): above 10 % loss,
 * back off by half the loss; below 2 % with low jitter, grow 8 % per step;
 * in between, hold. A REMB below what the stream really carries is
 * congestion and caps the rate at once; a REMB above it says nothing (a
 * browser's estimate of an app-limited stream stays near its rate). Like
 * GCC, growth stops at 1.5 × what the stream really carries, so a still
 * scene does not talk the encoder into its maximum. Pure: the caller owns
 * the clock and measures the stream.
 *
 * @module
 */

/** What one viewer last said about the stream. */
export interface ViewerSignal {
  /** Fraction lost since its previous report, 0..1 (RTCP RR). */
  fractionLost: number;
  /** Interarrival jitter in ms (RTCP RR, 90 kHz units / 90). */
  jitterMs: number;
  /** Its receiver estimate in kbps (REMB), or null if it sends none. */
  rembKbps: number | null;
  /** When its latest report arrived (ms, caller's clock). */
  atMs: number;
}

export interface AbrLimits {
  minKbps: number;
  maxKbps: number;
  /** The configured rate: where a camera with no viewers goes back to. */
  startKbps: number;
}

export interface AbrState {
  kbps: number;
  /** When the rate last moved (ms). */
  changedAtMs: number;
}

/** One step per receiver-report interval (browsers send about one a second). */
export const ABR_STEP_MS = 1000;
/** Reports older than this no longer count (the viewer is gone or silent). */
export const ABR_STALE_MS = 5000;
export const LOSS_HIGH = 0.1;
export const LOSS_LOW = 0.02;
/** Jitter above this holds growth: queues are building somewhere on the path. */
export const JITTER_HIGH_MS = 30;
export const GROWTH = 1.08;
/** Growth stops at this multiple of the stream's real rate (GCC's app-limited cap). */
export const HEADROOM = 1.5;

function clamp(kbps: number, limits: AbrLimits): number {
  return Math.round(Math.min(limits.maxKbps, Math.max(limits.minKbps, kbps)));
}

/** The first state for a camera: its configured rate. */
export function initialAbr(limits: AbrLimits, nowMs: number): AbrState {
  return { kbps: clamp(limits.startKbps, limits), changedAtMs: nowMs };
}

/**
 * The next bitrate. With no viewer the configured rate comes back (recordings
 * keep their quality when nobody watches). Moves at most once per
 * {@linkcode ABR_STEP_MS} and only on a report newer than the last move; a
 * REMB below the rate applies at once.
 */
export function nextAbr(
  state: AbrState,
  signals: readonly ViewerSignal[],
  options: {
    limits: AbrLimits;
    nowMs: number;
    /** What the stream carried over the last second, kbps. */
    streamKbps: number;
  },
): AbrState {
  const { limits, nowMs, streamKbps } = options;
  const fresh = signals.filter((s) => nowMs - s.atMs <= ABR_STALE_MS);
  if (signals.length === 0) {
    const kbps = clamp(limits.startKbps, limits);
    return kbps === state.kbps ? state : { kbps, changedAtMs: nowMs };
  }
  let ceiling = limits.maxKbps;
  for (const s of fresh) {
    if (s.rembKbps !== null && s.rembKbps < streamKbps) ceiling = Math.min(ceiling, s.rembKbps);
  }
  let kbps = state.kbps;
  // Step on reports that arrived after the last move, so one report moves the rate once.
  const news = fresh.some((s) => s.atMs > state.changedAtMs);
  if (nowMs - state.changedAtMs >= ABR_STEP_MS && news) {
    let loss = 0;
    let jitter = 0;
    for (const s of fresh) {
      loss = Math.max(loss, s.fractionLost);
      jitter = Math.max(jitter, s.jitterMs);
    }
    if (loss > LOSS_HIGH) kbps = kbps * (1 - 0.5 * loss);
    else if (loss < LOSS_LOW && jitter < JITTER_HIGH_MS) {
      kbps = Math.max(kbps, Math.min(kbps * GROWTH, streamKbps * HEADROOM));
    }
  }
  kbps = clamp(Math.min(kbps, ceiling), limits);
  return kbps === state.kbps ? state : { kbps, changedAtMs: nowMs };
}
