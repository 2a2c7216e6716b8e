import { GstError } from "./errors.ts";
import { Handle } from "./_handle.ts";
import { lib, takeGError } from "./_lib.ts";
import {
  MESSAGE_ANY,
  MESSAGE_ELEMENT,
  MESSAGE_EOS,
  MESSAGE_ERROR,
  MESSAGE_SRC,
  MESSAGE_STATE_CHANGED,
  MESSAGE_TYPE,
  MESSAGE_WARNING,
} from "./_layout.ts";
import type { Value } from "./_gvalue.ts";
import { borrowString, objectName, takeString } from "./_strings.ts";
import { structureFields, structureName } from "./_structure.ts";
import { nanoseconds } from "./_time.ts";

/** A GstState. */
export type State = "void_pending" | "null" | "ready" | "paused" | "playing";

/** Maps GstState numbers (0–4) to names. */
export const STATES: readonly State[] = ["void_pending", "null", "ready", "paused", "playing"];

/**
 * A message from a pipeline's bus. `source` is the name of the object that
 * posted it. "element" messages carry an element-specific structure, such as
 * splitmuxsink's "splitmuxsink-fragment-closed" with its "location".
 */
export type BusMessage =
  | { type: "error"; source: string; error: GstError }
  | { type: "warning"; source: string; message: string; debug: string }
  | { type: "eos"; source: string }
  | { type: "state_changed"; source: string; old: State; current: State; pending: State }
  | { type: "element"; source: string; name: string; fields: Record<string, Value> }
  | { type: "other"; source: string; name: string };

/** Message types a pop can be limited to. */
export type MessageKind = "error" | "warning" | "eos" | "state_changed" | "element";

const MASKS: Record<MessageKind, number> = {
  error: MESSAGE_ERROR,
  warning: MESSAGE_WARNING,
  eos: MESSAGE_EOS,
  state_changed: MESSAGE_STATE_CHANGED,
  element: MESSAGE_ELEMENT,
};

/** Options for {@linkcode Bus.pop} and {@linkcode Bus.popAsync}. */
export interface PopOptions {
  /** How long to wait for a message; 0 returns at once. Finite, ≥ 0. */
  timeoutMs: number;
  /**
   * Only these kinds. GStreamer DISCARDS every other message it meets while
   * waiting, so filter only when nothing else matters. Default: all.
   */
  types?: readonly MessageKind[];
}

function mask(types: readonly MessageKind[] | undefined): number {
  if (types === undefined) return MESSAGE_ANY;
  let m = 0;
  for (const t of types) m |= MASKS[t];
  return m >>> 0;
}

/**
 * A pipeline's message bus. Obtain it from {@linkcode Pipeline.bus}; the
 * pipeline owns it. `pop` blocks the calling thread up to its timeout (use it
 * in a Worker); `popAsync` waits on another thread and keeps the event loop
 * running.
 */
export class Bus {
  #handle: Handle;
  #pending = false;

  /** @internal Wraps an owned bus reference; use {@linkcode Pipeline.bus}. */
  constructor(handle: Handle) {
    this.#handle = handle;
  }

  /** Waits up to `timeoutMs` for a message; null on timeout. Blocks the thread. */
  pop(options: PopOptions): BusMessage | null {
    const pointer = this.#handle.pointer;
    this.#assertIdle();
    const message = lib().gst_bus_timed_pop_filtered(
      pointer,
      nanoseconds(options.timeoutMs),
      mask(options.types),
    );
    return message === null ? null : parseMessage(message);
  }

  /**
   * Like {@linkcode Bus.pop}, but waits on a thread of Deno's blocking pool.
   * One pop at a time per bus; await it before disposing the pipeline, or
   * the reference is released only when the wait ends.
   */
  async popAsync(options: PopOptions): Promise<BusMessage | null> {
    this.#assertIdle();
    const pointer = this.#handle.hold();
    this.#pending = true;
    let message: Deno.PointerValue;
    try {
      message = await lib().gst_bus_timed_pop_filtered_nb(
        pointer,
        nanoseconds(options.timeoutMs),
        mask(options.types),
      );
    } finally {
      this.#pending = false;
      this.#handle.unhold();
    }
    return message === null ? null : parseMessage(message);
  }

  /** Releases the reference; later calls do nothing. */
  [Symbol.dispose](): void {
    this.#handle.dispose();
  }

  #assertIdle(): void {
    if (this.#pending) {
      throw new Error(`A popAsync() is already waiting on the ${this.#handle.what}`);
    }
  }
}

/** Parses a GstMessage and releases it. */
export function parseMessage(message: Deno.PointerObject): BusMessage {
  const g = lib();
  try {
    const view = new Deno.UnsafePointerView(message);
    const type = view.getUint32(MESSAGE_TYPE);
    const src = view.getPointer(MESSAGE_SRC);
    const source = src === null ? "" : objectName(src);
    switch (type) {
      case MESSAGE_ERROR:
      case MESSAGE_WARNING: {
        const errorSlot = new BigUint64Array(1);
        const debugSlot = new BigUint64Array(1);
        if (type === MESSAGE_ERROR) g.gst_message_parse_error(message, errorSlot, debugSlot);
        else g.gst_message_parse_warning(message, errorSlot, debugSlot);
        const info = takeGError(errorSlot);
        const debug = takeString(Deno.UnsafePointer.create(debugSlot[0])) ?? "";
        const text = info?.message || `The element "${source}" reported an error`;
        if (type === MESSAGE_WARNING) return { type: "warning", source, message: text, debug };
        const error = new GstError(text, {
          element: source,
          debug,
          domain: info?.domain,
          code: info?.code,
        });
        return { type: "error", source, error };
      }
      case MESSAGE_EOS:
        return { type: "eos", source };
      case MESSAGE_STATE_CHANGED: {
        const states = new Int32Array(3);
        g.gst_message_parse_state_changed(
          message,
          states.subarray(0, 1),
          states.subarray(1, 2),
          states.subarray(2, 3),
        );
        return {
          type: "state_changed",
          source,
          old: STATES[states[0]],
          current: STATES[states[1]],
          pending: STATES[states[2]],
        };
      }
      case MESSAGE_ELEMENT: {
        const s = g.gst_message_get_structure(message);
        return s === null
          ? { type: "element", source, name: "", fields: {} }
          : { type: "element", source, name: structureName(s), fields: structureFields(s) };
      }
      default:
        return {
          type: "other",
          source,
          name: borrowString(g.gst_message_type_get_name(type)) ?? "",
        };
    }
  } finally {
    g.gst_mini_object_unref(message);
  }
}
