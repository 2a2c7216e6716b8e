/**
 * Event-triggered recording as a pure state machine of time: an event
 * starts a recording (which begins with the pre-roll), every later event
 * pushes its end to `post-roll` after that event, and the first tick at or
 * past the end stops it.
 *
 * ```
 *            event / start            tick >= until / stop
 *   idle ───────────────────▶ recording ─────────────────────▶ idle
 *                              │    ▲
 *                              └────┘ event / until = max(until, at + post-roll)
 * ```
 *
 * @module
 */

/** Longest post-roll accepted, in seconds. Reason: longer is continuous recording by another name. */
export const MAX_POST_ROLL_S = 3600;

/** Where the trigger is. Times are ns on the frame clock (ring pts). */
export type TriggerState =
  | { kind: "idle" }
  | {
    kind: "recording";
    /** Time of the event that started it. */
    sinceNs: number;
    /** Recording stops at the first tick at or past this. */
    untilNs: number;
    /** Events seen since it started. */
    events: number;
  };

/** What happens to the trigger. */
export type TriggerInput =
  | { kind: "event"; atNs: number }
  | { kind: "tick"; nowNs: number };

/** What the recorder must do: flush the pre-roll and record, stop, or nothing. */
export type TriggerAction = "start" | "stop" | "none";

/** The trigger before any event. */
export const IDLE: TriggerState = Object.freeze({ kind: "idle" });

/** Converts a post-roll in seconds to ns, checking it. */
export function postRollNs(seconds: number): number {
  if (!(seconds >= 0 && seconds <= MAX_POST_ROLL_S)) {
    throw new RangeError(`Post-roll of ${seconds} s must be between 0 and ${MAX_POST_ROLL_S} s`);
  }
  return seconds * 1e9;
}

function assertNever(x: never): never {
  throw new TypeError(`Unknown trigger input ${JSON.stringify(x)}`);
}

/** One step of the trigger: the next state and what to do. */
export function stepTrigger(
  state: TriggerState,
  input: TriggerInput,
  options: { postRollNs: number },
): { state: TriggerState; action: TriggerAction } {
  switch (input.kind) {
    case "event": {
      const until = input.atNs + options.postRollNs;
      if (state.kind === "idle") {
        return {
          state: { kind: "recording", sinceNs: input.atNs, untilNs: until, events: 1 },
          action: "start",
        };
      }
      return {
        state: { ...state, untilNs: Math.max(state.untilNs, until), events: state.events + 1 },
        action: "none",
      };
    }
    case "tick":
      if (state.kind === "recording" && input.nowNs >= state.untilNs) {
        return { state: IDLE, action: "stop" };
      }
      return { state, action: "none" };
    default:
      return assertNever(input);
  }
}

/** How a camera records. */
export type RecordingMode = "continuous" | "scheduled" | "events";

/**
 * Whether frames should go to a segment now. `inSchedule` is null when no
 * schedule is set; in events mode a schedule, when set, limits when events
 * may record.
 */
export function wantsRecording(
  mode: RecordingMode,
  now: { inSchedule: boolean | null; trigger: TriggerState },
): boolean {
  switch (mode) {
    case "continuous":
      return true;
    case "scheduled":
      return now.inSchedule === true;
    case "events":
      return now.trigger.kind === "recording" && now.inSchedule !== false;
    default:
      return assertNever(mode);
  }
}
