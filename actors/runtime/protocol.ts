/**
 * The envelope between the supervisor's thread and an actor's Worker. Every
 * actor describes itself with an {@linkcode ActorProtocol}; the envelope is
 * the same for all of them.
 *
 * ```
 *  main thread                                  Worker
 *  ───────────                                  ──────
 *  start {id, init}        ─────────────────▶   Actor.start()
 *                          ◀─────────────────   started
 *  call {rid, name, args}  ─────────────────▶   Actor.calls[name]()
 *                          ◀─────────────────   reply {rid, ok, value | error}
 *  cast {msg}              ─────────────────▶   Actor.cast()
 *                          ◀─────────────────   event {event} · log {record}
 *  ping {n}                ─────────────────▶   (host answers, liveness)
 *                          ◀─────────────────   pong {n}
 *  stop {reason}           ─────────────────▶   Actor.stop()
 *                          ◀─────────────────   done
 *                          ◀─────────────────   crashed {error}   (any time)
 * ```
 *
 * @module
 */
import type { LogRecord, SerializedError, StopReason } from "../defs.ts";

/** A request an actor answers: its arguments and its reply. */
export interface CallShape {
  args: unknown;
  reply: unknown;
}

/**
 * What an actor accepts and emits. `init` is posted once at start (it may
 * hold SharedArrayBuffers); `calls` are typed request/reply pairs; `cast` is
 * the closed union of one-way messages in; `event` the closed union out.
 */
export interface ActorProtocol {
  init: unknown;
  calls: Record<string, CallShape>;
  cast: { type: string };
  event: { type: string };
}

/** Messages into a Worker. */
export type ToActor =
  /** `ledger`: where the Worker enters its GStreamer pipelines (ffi/gst/ledger.ts), added by the port. */
  | { type: "start"; id: string; init: unknown; ledger?: SharedArrayBuffer }
  | { type: "stop"; reason: StopReason }
  | { type: "call"; rid: number; name: string; args: unknown }
  | { type: "cast"; msg: unknown }
  | { type: "ping"; n: number }
  /** Fault injection for the fault suite: the actor throws, or its Worker blocks. */
  | { type: "fault"; how: InjectedFault };

/**
 * A fault the fault suite injects into a running actor (tests/faults/):
 * `throw` is the actor's own error, as if one of its handlers threw (it
 * crashes that actor alone, even in a shared Worker); `hang` blocks the
 * Worker's thread for a minute (only the heartbeat can tell, and every actor
 * in that Worker goes with it; see INJECTED_HANG_MS). A Worker terminated from outside is
 * `ActorProcess.kill()`.
 */
export type InjectedFault = "throw" | "hang";

/** Messages out of a Worker. */
export type FromActor =
  | { type: "started" }
  | { type: "done" }
  | { type: "crashed"; error: SerializedError }
  | { type: "reply"; rid: number; ok: true; value: unknown }
  | { type: "reply"; rid: number; ok: false; error: SerializedError }
  | { type: "event"; event: unknown }
  | { type: "log"; record: LogRecord }
  | { type: "pong"; n: number };

/**
 * Into a host Worker (one Worker, several actors): a message for the actor in
 * `slot`. The `start` of a slot also names the actor's module, by the URL of
 * its Worker module (the same `*_WORKER` URL a Worker of its own would load).
 */
export interface ToHost {
  slot: number;
  url?: string;
  m: ToActor;
}

/** Out of a host Worker: a message of the actor in `slot`, or of the Worker itself (`HOST_SLOT`). */
export interface FromHost {
  slot: number;
  m: FromActor;
}

/** The slot of the host Worker's own `crashed`: an error no actor of it can be blamed for. */
export const HOST_SLOT = -1;

/** An error as plain data, for postMessage. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  return { name: "Error", message: String(error) };
}

/** Turns a serialized error back into an Error with the same name and message. */
export function deserializeError(error: SerializedError): Error {
  const e = new Error(error.message);
  e.name = error.name;
  if (error.stack !== undefined) e.stack = error.stack;
  return e;
}
