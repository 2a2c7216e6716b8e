/**
 * Every decision a supervisor takes, as a typed event, and the stream the
 * console and the logs read them from.
 *
 * @module
 */
import type { ExitReason } from "../defs.ts";

/** `supervisor` and `child` are ids; a child of a nested supervisor reads "front/encoder". */
export type SupervisorEvent =
  | { type: "child_started"; supervisor: string; child: string }
  | { type: "start_failed"; supervisor: string; child: string; message: string }
  | { type: "child_exited"; supervisor: string; child: string; exit: ExitReason }
  | { type: "child_stopped"; supervisor: string; child: string; exit: ExitReason }
  | {
    type: "restarting";
    supervisor: string;
    /** The child that failed and every child the strategy restarts with it. */
    children: string[];
    cause: string;
    delayMs: number;
    /** Restarts within the current window, this one included. */
    attempt: number;
  }
  | { type: "gave_up"; supervisor: string; cause: string; restarts: number; periodMs: number }
  /** onIntensity "isolate": one child spent its window; it waits `retryInMs`, the rest run on. */
  | {
    type: "isolated";
    supervisor: string;
    child: string;
    cause: string;
    restarts: number;
    periodMs: number;
    retryInMs: number;
  };

export type Listener<T> = (event: T) => void;

/** A synchronous fan-out of events. A throwing listener never breaks the others. */
export class EventStream<T> {
  readonly #listeners = new Set<Listener<T>>();

  /** Adds a listener; the returned function removes it. */
  subscribe(listener: Listener<T>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: T): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure is its own; the supervisor keeps going.
      }
    }
  }
}
