/**
 * What the recorder does with each access unit, as a pure decision: drop
 * it, open a segment with it, push it into the open segment, cut (close the
 * open segment and open the next one with it), or close the open segment.
 *
 * ```
 *              want & keyframe / open
 *   no segment ─────────────────────────▶ segment open ──┐ push
 *       ▲   ▲ drop                          │  │   ▲      │
 *       │   └─ (not wanted, or no keyframe) │  │   └──────┘
 *       └──────── not wanted, or a gap ─────┘  └─ keyframe past segment length,
 *                  before a delta / close         or a gap at a keyframe / cut
 * ```
 *
 * @module
 */
import { cutDecision } from "./mux.ts";

/** What to do with one access unit. */
export type AuAction = "drop" | "open" | "push" | "cut" | "close";

/** One access unit as the planner sees it. */
export interface PlannedAu {
  ptsNs: number;
  keyframe: boolean;
  /** Access units were lost just before this one (ring overrun, encoder restart). */
  gap: boolean;
}

/** The decision and whether the encoder should be asked for a keyframe. */
export interface AuPlan {
  action: AuAction;
  /** The segment is past twice its length without a keyframe. */
  overdue: boolean;
}

/**
 * Decides what to do with `au`. `segmentStartNs` is the pts of the open
 * segment's first access unit, or null when none is open; `want` says
 * whether frames should be recorded now. A segment ends at the first
 * keyframe at least `segmentNs - toleranceNs` after its start (the
 * tolerance absorbs capture-time jitter: without it a keyframe that arrives
 * a millisecond early would stretch the segment by a whole GOP). A gap
 * inside a segment ends it, so every file is one continuous stretch.
 */
export function planAccessUnit(
  segmentStartNs: number | null,
  au: PlannedAu,
  options: {
    want: boolean;
    segmentNs: number;
    toleranceNs: number;
    /** The open segment reached its container's size limit (AVI): cut at the next keyframe. */
    full?: boolean;
  },
): AuPlan {
  const none: AuPlan = { action: "drop", overdue: false };
  if (segmentStartNs === null) {
    return options.want && au.keyframe ? { action: "open", overdue: false } : none;
  }
  if (!options.want) return { action: "close", overdue: false };
  if (au.gap || au.ptsNs < segmentStartNs) {
    return { action: au.keyframe ? "cut" : "close", overdue: false };
  }
  if (options.full && au.keyframe) return { action: "cut", overdue: false };
  const d = cutDecision(segmentStartNs, au, {
    segmentNs: Math.max(0, options.segmentNs - options.toleranceNs),
  });
  if (d === "cut") return { action: "cut", overdue: false };
  return { action: "push", overdue: d === "overdue" };
}
