import { AppSink } from "./app_sink.ts";
import { AppSrc } from "./app_src.ts";
import { Bus, type State, STATES } from "./bus.ts";
import { Element, elementHandle } from "./element.ts";
import { GstError } from "./errors.ts";
import { Handle } from "./_handle.ts";
import { enterPipeline, leavePipeline, type LedgerEntry, takeLedger } from "./ledger.ts";
import { lib } from "./_lib.ts";
import {
  MESSAGE_ERROR,
  STATE_CHANGE_ASYNC,
  STATE_CHANGE_FAILURE,
  STATE_CHANGE_NO_PREROLL,
} from "./_layout.ts";
import { parseMessage } from "./bus.ts";
import { cstr, objectName } from "./_strings.ts";
import { parseDescription } from "./_parse.ts";
import { nanoseconds } from "./_time.ts";

/**
 * How a state change ended: "success"; "no_preroll" when a live source
 * reached PAUSED without data (it produces data only in PLAYING); "async"
 * when the change was still under way at the timeout: a sink completes it
 * when its first buffer arrives, so a pipeline fed by an appsrc stays
 * "async" until the first push. Failures throw instead.
 */
export type StateChange = "success" | "no_preroll" | "async";

/** Options for {@linkcode Pipeline.setState}. */
export interface SetStateOptions {
  /** How long to wait for an asynchronous change (prerolling). Finite, ≥ 0. */
  timeoutMs: number;
}

/**
 * A GStreamer pipeline built from a gst-launch description. It owns its bus
 * and every element wrapper handed out by {@linkcode Pipeline.element},
 * {@linkcode Pipeline.appSink} and {@linkcode Pipeline.appSrc}: disposing the
 * pipeline sets it to NULL and releases them all.
 */
export class Pipeline {
  #handle: Handle;
  #children = new Set<Handle>();
  #bus: Bus | undefined;
  /** The pipeline's name ("pipeline0"). */
  readonly name: string;

  private constructor(pointer: Deno.PointerObject) {
    this.name = objectName(pointer);
    // The Worker's ledger keeps a reference of its own, so that whoever
    // terminates this Worker can still stop the pipeline (ledger.ts).
    lib().gst_object_ref(pointer);
    const entry = enterPipeline(pointer);
    if (entry === null) lib().gst_object_unref(pointer);
    this.#handle = new Handle(pointer, (p) => release(p, entry), `pipeline "${this.name}"`);
  }

  /**
   * Builds a pipeline from a description ("videotestsrc ! appsink name=out").
   * Throws GstError for a syntax error, a missing element (naming the
   * element and the Debian package that provides it), an unknown property
   * or a failed link. A single element is placed in a new pipeline.
   */
  static parse(description: string): Pipeline {
    return new Pipeline(parseDescription(description));
  }

  /** True once disposed. */
  get disposed(): boolean {
    return this.#handle.disposed;
  }

  /**
   * The pipeline's running time now (ns): its clock's time less its base
   * time, what a sink compares buffer timestamps against. Null before the
   * pipeline has a clock (it gets one on its way to PLAYING).
   */
  runningTimeNs(): number | null {
    const pointer = this.#handle.pointer;
    const clock = lib().gst_element_get_clock(pointer);
    if (clock === null) return null;
    try {
      const now = lib().gst_clock_get_time(clock);
      const base = lib().gst_element_get_base_time(pointer);
      return Number(BigInt(now) - BigInt(base));
    } finally {
      lib().gst_object_unref(clock);
    }
  }

  /** The pipeline's bus, owned by the pipeline. */
  get bus(): Bus {
    const pointer = this.#handle.pointer;
    if (this.#bus === undefined) {
      const bus = lib().gst_element_get_bus(pointer);
      if (bus === null) throw new GstError(`The ${this.#handle.what} has no bus`);
      const handle = new Handle(
        bus,
        (p) => lib().gst_object_unref(p),
        `bus of ${this.#handle.what}`,
      );
      this.#children.add(handle);
      this.#bus = new Bus(handle);
    }
    return this.#bus;
  }

  /** The element named `name`; TypeError when there is none. */
  element(name: string): Element {
    return new Element(this.#adopt(this.#lookup(name)));
  }

  /** The appsink named `name`; TypeError when there is none or it is no appsink. */
  appSink(name: string): AppSink {
    const pointer = this.#lookup(name);
    this.#assertType(pointer, lib().gst_app_sink_get_type(), "an appsink");
    return new AppSink(this.#adopt(pointer));
  }

  /** The appsrc named `name`; TypeError when there is none or it is no appsrc. */
  appSrc(name: string): AppSrc {
    const pointer = this.#lookup(name);
    this.#assertType(pointer, lib().gst_app_src_get_type(), "an appsrc");
    return new AppSrc(this.#adopt(pointer));
  }

  /** The current state (does not wait for a change in progress). */
  get state(): State {
    const states = new Int32Array(2);
    lib().gst_element_get_state(
      this.#handle.pointer,
      states.subarray(0, 1),
      states.subarray(1, 2),
      0n,
    );
    return STATES[states[0]];
  }

  /**
   * Changes state and waits up to `timeoutMs` for it to complete. Blocks the
   * calling thread (use {@linkcode Pipeline.setStateAsync} on a thread with
   * an event loop that must keep running). Throws the bus's error as a
   * GstError when the change fails, or when an error is already on the bus
   * at the timeout.
   */
  setState(state: State, options: SetStateOptions): StateChange {
    const g = lib();
    const pointer = this.#handle.pointer;
    const timeout = nanoseconds(options.timeoutMs);
    let result = g.gst_element_set_state(pointer, stateNumber(state));
    if (result === STATE_CHANGE_ASYNC) {
      result = g.gst_element_get_state(pointer, null, null, timeout);
    }
    if (result === STATE_CHANGE_FAILURE) {
      throw this.#busError(ERROR_GRACE_NS) ?? this.#refused(state);
    }
    return this.#settle(result);
  }

  /** Like {@linkcode Pipeline.setState}, but waits on another thread. */
  async setStateAsync(state: State, options: SetStateOptions): Promise<StateChange> {
    const g = lib();
    const timeout = nanoseconds(options.timeoutMs);
    const pointer = this.#handle.hold();
    let result: number;
    try {
      result = g.gst_element_set_state(pointer, stateNumber(state));
      if (result === STATE_CHANGE_ASYNC) {
        // No out-parameters, so no JS buffer is written from another thread.
        result = await g.gst_element_get_state_nb(pointer, null, null, timeout);
      }
      if (result === STATE_CHANGE_FAILURE) {
        const bus = g.gst_element_get_bus(pointer);
        const message = bus === null
          ? null
          : await g.gst_bus_timed_pop_filtered_nb(bus, ERROR_GRACE_NS, MESSAGE_ERROR);
        if (bus !== null) g.gst_object_unref(bus);
        const parsed = message === null ? null : parseMessage(message);
        throw parsed?.type === "error" ? parsed.error : this.#refused(state);
      }
    } finally {
      this.#handle.unhold();
    }
    return this.#settle(result);
  }

  /**
   * Sends end-of-stream into the pipeline's sources, so muxers finish their
   * files; wait for the "eos" bus message before disposing.
   */
  sendEos(): void {
    const g = lib();
    const event = g.gst_event_new_eos();
    if (event === null || g.gst_element_send_event(this.#handle.pointer, event) === 0) {
      throw new GstError(`The ${this.#handle.what} did not accept end-of-stream`);
    }
  }

  /** Sets the pipeline to NULL and releases it, its bus and its elements; later calls do nothing. */
  [Symbol.dispose](): void {
    if (this.#handle.disposed) return;
    for (const child of this.#children) child.dispose();
    this.#children.clear();
    this.#handle.dispose();
  }

  /** The outcome of a state change that did not fail. */
  #settle(result: number): StateChange {
    if (result === STATE_CHANGE_ASYNC) {
      const error = this.#busError(0n);
      if (error !== null) throw error;
      return "async";
    }
    return result === STATE_CHANGE_NO_PREROLL ? "no_preroll" : "success";
  }

  #refused(state: State): GstError {
    return new GstError(`The ${this.#handle.what} failed to change state to "${state}"`);
  }

  /**
   * The first error on the bus, waiting up to `waitNs` for it (other
   * messages before it are dropped). Blocks the thread while it waits.
   */
  #busError(waitNs: bigint): GstError | null {
    const g = lib();
    const bus = g.gst_element_get_bus(this.#handle.pointer);
    if (bus === null) return null;
    const message = g.gst_bus_timed_pop_filtered(bus, waitNs, MESSAGE_ERROR);
    g.gst_object_unref(bus);
    if (message === null) return null;
    const parsed = parseMessage(message);
    return parsed.type === "error" ? parsed.error : null;
  }

  #lookup(name: string): Deno.PointerObject {
    const pointer = lib().gst_bin_get_by_name(this.#handle.pointer, cstr(name));
    if (pointer === null) {
      throw new TypeError(`The ${this.#handle.what} has no element named "${name}"`);
    }
    return pointer;
  }

  #assertType(pointer: Deno.PointerObject, type: bigint, article: string): void {
    const g = lib();
    if (g.g_type_check_instance_is_a(pointer, type) !== 0) return;
    const element = new Element(elementHandle(pointer));
    element[Symbol.dispose]();
    throw new TypeError(`Element "${element.name}" is a ${element.factoryName}, not ${article}`);
  }

  #adopt(pointer: Deno.PointerObject): Handle {
    const handle = elementHandle(pointer);
    this.#children.add(handle);
    return handle;
  }
}

/**
 * A refused state change comes back before the element's error message that
 * says why has always reached the bus (it is posted from a streaming
 * thread): wait this long for it before giving the bare refusal.
 */
const ERROR_GRACE_NS = 1_000_000_000n;

function stateNumber(state: State): number {
  const n = STATES.indexOf(state);
  if (n < 1) throw new TypeError(`Unknown pipeline state "${state}"`);
  return n;
}

function release(pointer: Deno.PointerObject, entry: LedgerEntry | null): void {
  const g = lib();
  // Going to NULL is synchronous: streaming threads have stopped on return.
  g.gst_element_set_state(pointer, stateNumber("null"));
  if (entry !== null && leavePipeline(entry)) g.gst_object_unref(pointer);
  g.gst_object_unref(pointer);
}

/**
 * Stops the pipelines a terminated Worker left in its ledger (ledger.ts):
 * each goes to NULL on a thread of Deno's blocking pool (a pipeline wedged
 * with the Worker that built it blocks that thread, not the caller's) and
 * loses the ledger's reference. Resolves to how many there were.
 */
export async function stopLedgerPipelines(ledger: SharedArrayBuffer): Promise<number> {
  const left: Deno.PointerObject[] = [];
  const n = takeLedger(ledger, (p) => left.push(p));
  if (n === 0) return 0;
  const g = lib();
  await Promise.all(left.map(async (p) => {
    await g.gst_element_set_state_nb(p, stateNumber("null"));
    g.gst_object_unref(p);
  }));
  return n;
}
