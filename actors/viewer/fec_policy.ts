/**
 * When a viewer gets forward error correction (RED + ULPFEC,
 * transports/rtp/fec), and how much: one pure step per receiver report,
 * over the loss the browser reports (RTCP RR fraction lost, the signal the
 * stream choice and ABR read too).
 *
 * - `never`: not negotiated at all (the answer has no RED/ULPFEC).
 * - `always`: on from the first packet, at the protection for 5 % loss.
 * - `auto` (the default): on once a report says at least
 *   {@linkcode FEC_ON_LOSS}; off once reports have said at most
 *   {@linkcode FEC_OFF_LOSS} for {@linkcode FEC_OFF_AFTER_MS} without a
 *   break. The gap between the two and the wait are the hysteresis: a link
 *   that loses in bursts does not flap FEC on and off with each report.
 *
 * While on, the protection (FEC packets per media packet) follows the
 * loss, smoothed over reports ({@linkcode LOSS_SMOOTHING}):
 * {@linkcode protectionFor}; with `always` too, from 5 %. FEC being on
 * does not hide the loss that turned it on: Chromium's reports say more
 * loss with FEC than without on the same link (bench/README.md, fec), as if
 * packets rebuilt from FEC were not counted as received.
 *
 * @module
 */

/** The `[webrtc] fec` setting. */
export type FecMode = "auto" | "always" | "never";
export const FEC_MODES: readonly FecMode[] = ["auto", "always", "never"];

/** Loss that turns FEC on: 2 %, where NACKs start to cost a round trip per frame and freezes show. */
export const FEC_ON_LOSS = 0.02;
/** Loss low enough to turn it off again: 0.5 % (RR fraction lost is in 1/256: this is 1 of 256). */
export const FEC_OFF_LOSS = 0.005;
/** How long the loss must stay that low: ten of Chromium's ~1 s video receiver reports. */
export const FEC_OFF_AFTER_MS = 10_000;
/** Protection bounds: one FEC packet per four media packets, up to one per two. */
export const MIN_PROTECTION = 0.25;
export const MAX_PROTECTION = 0.5;

/**
 * Weight of a new report in the smoothed loss the protection follows.
 * Reason: Chromium sends a receiver report with every compound RTCP packet,
 * some a tenth of a second apart, and one over a short interval can say
 * 12 % on a 5 % link; the protection would then jump to its top.
 */
export const LOSS_SMOOTHING = 0.2;

/** A viewer's FEC state. `protection` is 0 while off. */
export interface FecState {
  protection: number;
  /** The loss the protection follows: an exponential average of the reports (0 while off). */
  loss: number;
  /** Since when reports have said the loss is low (while on), or null. */
  lowSinceMs: number | null;
}

/**
 * FEC packets per media packet for a loss fraction: four times the loss,
 * within [MIN_PROTECTION, MAX_PROTECTION]. With the interleaved masks a
 * group of n media packets behind one FEC packet is rebuilt when at most
 * one of its n + 1 packets is lost: at 5 % loss and n = 4, 97.7 % of groups.
 */
export function protectionFor(loss: number): number {
  return Math.min(MAX_PROTECTION, Math.max(MIN_PROTECTION, 4 * loss));
}

/** The state a session starts with. */
export function initialFec(mode: FecMode): FecState {
  return { protection: mode === "always" ? protectionFor(0.05) : 0, loss: 0, lowSinceMs: null };
}

/** The state after a receiver report saying `loss` (0–1) at `nowMs`. */
export function fecStep(s: FecState, mode: FecMode, loss: number, nowMs: number): FecState {
  if (mode === "never") return s;
  if (s.protection === 0) {
    // Off (auto only): the first report past the threshold turns it on, at that report's loss.
    if (loss < FEC_ON_LOSS) return s;
    return { protection: protectionFor(loss), loss, lowSinceMs: null };
  }
  const smoothed = s.loss + LOSS_SMOOTHING * (loss - s.loss);
  const on = { protection: protectionFor(smoothed), loss: smoothed };
  if (mode === "always" || loss > FEC_OFF_LOSS) return { ...on, lowSinceMs: null };
  const since = s.lowSinceMs ?? nowMs;
  if (nowMs - since >= FEC_OFF_AFTER_MS) return { protection: 0, loss: 0, lowSinceMs: null };
  return { ...on, lowSinceMs: since };
}
