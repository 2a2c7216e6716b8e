/**
 * An OTP supervisor over Workers and nested supervisors. Children start in
 * order and stop in reverse. When one ends and its restart policy says so,
 * the strategy picks who restarts with it; restarts wait a backoff, and past
 * `intensity` restarts within `periodMs` the supervisor stops everything and
 * ends as crashed, so its own supervisor decides (escalation). Every decision
 * is a {@linkcode SupervisorEvent}. Children can be added, removed and
 * replaced while it runs (OTP's start_child / terminate_child), for config
 * reloads.
 *
 * All decisions run one at a time on an internal queue, so exits that arrive
 * while a restart is under way are judged against the tree as it is then.
 *
 * @module
 */
import type { ActorState, ExitReason, StopReason } from "../defs.ts";
import { type Child, type ChildSpec, type ChildStatus, wantsRestart } from "./child.ts";
import { type EventStream, type SupervisorEvent } from "./events.ts";
import { backoffDelay, type SupervisorFlags, validateFlags, validateSpecs } from "./flags.ts";
import { RestartWindow } from "./restart_window.ts";

/** Time, injectable so tests drive restart windows and backoff without waiting. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted || ms <= 0) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done);
    }),
};

export interface SupervisorOptions {
  /** This supervisor's id, e.g. "cameras" or "front". */
  id: string;
  flags: SupervisorFlags;
  children: ChildSpec[];
  events: EventStream<SupervisorEvent>;
  clock?: Clock;
  /**
   * A child that fails its first start is restarted like a crashed one
   * instead of failing the whole supervisor's start. For trees that must
   * come up even when one camera is unplugged.
   */
  retryFailedStarts?: boolean;
}

/** The error a supervisor ends with when it gives up. */
export class SupervisorGaveUpError extends Error {
  override name = "SupervisorGaveUpError";
}

interface Slot {
  spec: ChildSpec;
  child: Child | undefined;
  state: ActorState;
  restarts: number;
  lastExit: ExitReason | undefined;
}

export class Supervisor implements Child {
  readonly id: string;
  readonly exited: Promise<ExitReason>;
  readonly #flags: SupervisorFlags;
  #slots: Slot[];
  readonly #events: EventStream<SupervisorEvent>;
  readonly #clock: Clock;
  readonly #window: RestartWindow;
  readonly #abort = new AbortController();
  readonly #retryFailedStarts: boolean;
  #queue: Promise<void> = Promise.resolve();
  #state: ActorState = "starting";
  #resolveExit!: (exit: ExitReason) => void;
  #exit: ExitReason | undefined;

  private constructor(options: SupervisorOptions) {
    validateFlags(options.flags);
    validateSpecs(options.children);
    this.id = options.id;
    this.#flags = options.flags;
    this.#events = options.events;
    this.#clock = options.clock ?? realClock;
    this.#retryFailedStarts = options.retryFailedStarts ?? false;
    this.#window = new RestartWindow({
      intensity: options.flags.intensity,
      periodMs: options.flags.periodMs,
      now: () => this.#clock.now(),
    });
    this.#slots = options.children.map((spec) => ({
      spec,
      child: undefined,
      state: "stopped",
      restarts: 0,
      lastExit: undefined,
    }));
    this.exited = new Promise((resolve) => (this.#resolveExit = resolve));
  }

  /**
   * Validates the tree and starts every child in order. If one cannot start
   * (and `retryFailedStarts` is off), the started ones stop in reverse and
   * this rejects with the child's error.
   */
  static async start(options: SupervisorOptions): Promise<Supervisor> {
    const sup = new Supervisor(options);
    await sup.#enqueue(() => sup.#startAll());
    return sup;
  }

  /** Stops every child in reverse order within `shutdownMs`, then ends normally. */
  stop(reason: StopReason, shutdownMs: number): Promise<ExitReason> {
    if (this.#exit !== undefined) return Promise.resolve(this.#exit);
    this.#state = "stopping";
    this.#abort.abort();
    const deadline = this.#clock.now() + shutdownMs;
    return this.#enqueue(async () => {
      if (this.#exit !== undefined) return;
      await this.#stopSlots(this.#slots, reason, deadline);
      this.#end({ kind: "normal" });
    }).then(() => this.exited);
  }

  status(): ChildStatus {
    return {
      id: this.id,
      kind: "supervisor",
      state: this.#state,
      children: this.#slots.map((s) => {
        const inner = s.child?.status();
        const node: ChildStatus = {
          id: s.spec.id,
          kind: inner?.kind ?? "actor",
          state: s.state,
          restarts: s.restarts,
        };
        if (s.lastExit !== undefined) node.lastExit = s.lastExit;
        if (inner?.children !== undefined) node.children = inner.children;
        return node;
      }),
    };
  }

  /**
   * Adds a child at run time, after the others (OTP's `start_child`), and
   * starts it. Rejects with a TypeError for a bad or duplicate spec, or with
   * the child's error when it cannot start; with `retryFailedStarts` the
   * child is kept and retried like a crashed one instead.
   */
  startChild(spec: ChildSpec): Promise<void> {
    return this.#enqueue(async () => {
      this.#checkRunning("start a child");
      validateSpecs([...this.#slots.map((s) => s.spec), spec]);
      const slot: Slot = {
        spec,
        child: undefined,
        state: "stopped",
        restarts: 0,
        lastExit: undefined,
      };
      this.#slots.push(slot);
      const failed = await this.#startSlot(slot);
      if (failed === undefined) return;
      if (this.#retryFailedStarts) {
        this.#retryLater(slot, `start failed: ${failed.message}`);
        return;
      }
      this.#slots = this.#slots.filter((s) => s !== slot);
      throw failed;
    });
  }

  /**
   * Stops the child `id` (within its `shutdownMs`) and forgets its spec (OTP's
   * `terminate_child` followed by `delete_child`). Resolves with how it ended;
   * rejects with a TypeError when there is no such child.
   */
  terminateChild(id: string, reason: StopReason): Promise<ExitReason> {
    let exit: ExitReason = { kind: "normal" };
    return this.#enqueue(async () => {
      this.#checkRunning("terminate a child");
      const slot = this.#slot(id);
      exit = await this.#stopSlot(slot, reason, Infinity) ?? exit;
      this.#slots = this.#slots.filter((s) => s !== slot);
    }).then(() => exit);
  }

  /**
   * Replaces the child with `spec.id` by a new one in the same place: the old
   * one stops with `reason`, the new one starts, its restart count from zero.
   * Rejects like {@linkcode startChild} when the new one cannot start, and
   * with a TypeError when there is no such child.
   */
  replaceChild(spec: ChildSpec, reason: StopReason): Promise<void> {
    return this.#enqueue(async () => {
      this.#checkRunning("replace a child");
      const slot = this.#slot(spec.id);
      validateSpecs([...this.#slots.filter((s) => s !== slot).map((s) => s.spec), spec]);
      await this.#stopSlot(slot, reason, Infinity);
      const fresh: Slot = {
        spec,
        child: undefined,
        state: "stopped",
        restarts: 0,
        lastExit: undefined,
      };
      this.#slots = this.#slots.map((s) => (s === slot ? fresh : s));
      const failed = await this.#startSlot(fresh);
      if (failed === undefined) return;
      if (this.#retryFailedStarts) {
        this.#retryLater(fresh, `start failed: ${failed.message}`);
        return;
      }
      this.#slots = this.#slots.filter((s) => s !== fresh);
      throw failed;
    });
  }

  /** The running child with this id, if any (to send it messages). */
  child(id: string): Child | undefined {
    return this.#slots.find((s) => s.spec.id === id)?.child;
  }

  #enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(op);
    this.#queue = run.catch(() => {});
    return run;
  }

  async #startAll(): Promise<void> {
    const retries: [Slot, string][] = [];
    for (let i = 0; i < this.#slots.length; i++) {
      const failed = await this.#startSlot(this.#slots[i]);
      if (failed === undefined) continue;
      if (this.#retryFailedStarts) {
        retries.push([this.#slots[i], `start failed: ${failed.message}`]);
        continue;
      }
      await this.#stopSlots(this.#slots.slice(0, i), "shutdown", Infinity);
      this.#end({ kind: "crashed", error: { name: failed.name, message: failed.message } });
      throw failed;
    }
    if (this.#exit === undefined) this.#state = "running";
    // Retried in the background: the supervisor runs with what could start.
    for (const [slot, cause] of retries) this.#retryLater(slot, cause);
  }

  /** Queues a restart of `slot` after a failed start, unless it was removed or runs by then. */
  #retryLater(slot: Slot, cause: string): void {
    this.#enqueue(async () => {
      const index = this.#slots.indexOf(slot);
      if (index >= 0 && slot.child === undefined && this.#state !== "stopping") {
        await this.#restartFrom(index, cause);
      }
    });
  }

  #checkRunning(what: string): void {
    if (this.#exit !== undefined || this.#state === "stopping") {
      throw new Error(`Supervisor ${this.id} is ${this.#state}: cannot ${what}`);
    }
  }

  #slot(id: string): Slot {
    const slot = this.#slots.find((s) => s.spec.id === id);
    if (slot === undefined) throw new TypeError(`Supervisor ${this.id} has no child "${id}"`);
    return slot;
  }

  /** Starts one slot's child; returns the error if it could not start. */
  async #startSlot(slot: Slot): Promise<Error | undefined> {
    slot.state = "starting";
    let child: Child;
    try {
      child = await slot.spec.start();
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      slot.state = "failed";
      slot.lastExit = { kind: "crashed", error: { name: error.name, message: error.message } };
      this.#events.emit({
        type: "start_failed",
        supervisor: this.id,
        child: slot.spec.id,
        message: error.message,
      });
      return error;
    }
    slot.child = child;
    slot.state = "running";
    this.#events.emit({ type: "child_started", supervisor: this.id, child: slot.spec.id });
    child.exited.then((exit) => this.#enqueue(() => this.#onExit(slot, child, exit)));
    return undefined;
  }

  async #onExit(slot: Slot, child: Child, exit: ExitReason): Promise<void> {
    // An instance that was replaced or stopped on purpose is not news.
    if (slot.child !== child || this.#exit !== undefined || this.#state === "stopping") return;
    slot.child = undefined;
    slot.lastExit = exit;
    slot.state = exit.kind === "normal" ? "stopped" : "failed";
    this.#events.emit({ type: "child_exited", supervisor: this.id, child: slot.spec.id, exit });
    if (!wantsRestart(slot.spec.restart, exit)) return;
    await this.#restartFrom(this.#slots.indexOf(slot), describe(exit));
  }

  /** Restarts slot `index` and whoever the strategy adds, until they run or the window is spent. */
  async #restartFrom(index: number, cause: string): Promise<void> {
    let failed = index;
    while (failed >= 0) {
      const attempt = this.#window.record();
      if (attempt < 0) {
        await this.#giveUp(cause);
        return;
      }
      const group = this.#group(failed);
      this.#state = "restarting";
      for (const s of group) s.state = "restarting";
      await this.#stopSlots(group, "restart", Infinity);
      const delayMs = backoffDelay(this.#flags.backoff, attempt);
      this.#events.emit({
        type: "restarting",
        supervisor: this.id,
        children: group.map((s) => s.spec.id),
        cause,
        delayMs,
        attempt,
      });
      await this.#clock.sleep(delayMs, this.#abort.signal);
      failed = -1;
      for (const s of group) {
        if (this.#abort.signal.aborted) return;
        s.restarts++;
        const error = await this.#startSlot(s);
        if (error !== undefined) {
          failed = this.#slots.indexOf(s);
          cause = `start failed: ${error.message}`;
          break;
        }
      }
    }
    if (this.#exit === undefined && !this.#abort.signal.aborted) this.#state = "running";
  }

  /** The slots a failure of slot `index` restarts, in start order. */
  #group(index: number): Slot[] {
    switch (this.#flags.strategy) {
      case "one_for_one":
        return [this.#slots[index]];
      case "rest_for_one":
        return this.#slots.slice(index);
      case "one_for_all":
        return this.#slots.slice();
    }
  }

  /** Stops the running children among `slots`, last first. */
  async #stopSlots(slots: readonly Slot[], reason: StopReason, deadline: number): Promise<void> {
    for (let i = slots.length - 1; i >= 0; i--) await this.#stopSlot(slots[i], reason, deadline);
  }

  /** Stops one slot's child if it runs; resolves with how it ended. */
  async #stopSlot(
    slot: Slot,
    reason: StopReason,
    deadline: number,
  ): Promise<ExitReason | undefined> {
    const child = slot.child;
    if (child === undefined) return undefined;
    slot.child = undefined;
    slot.state = "stopping";
    const budget = Math.max(0, Math.min(slot.spec.shutdownMs, deadline - this.#clock.now()));
    const exit = await child.stop(reason, budget);
    slot.state = "stopped";
    this.#events.emit({ type: "child_stopped", supervisor: this.id, child: slot.spec.id, exit });
    return exit;
  }

  async #giveUp(cause: string): Promise<void> {
    const { intensity, periodMs } = this.#flags;
    this.#events.emit({
      type: "gave_up",
      supervisor: this.id,
      cause,
      restarts: intensity,
      periodMs,
    });
    await this.#stopSlots(this.#slots, "shutdown", Infinity);
    const error = new SupervisorGaveUpError(
      `Supervisor ${this.id} gave up after more than ${intensity} restarts in ${periodMs} ms (last: ${cause})`,
    );
    this.#end({ kind: "crashed", error: { name: error.name, message: error.message } });
  }

  #end(exit: ExitReason): void {
    if (this.#exit !== undefined) return;
    this.#exit = exit;
    this.#state = exit.kind === "normal" ? "stopped" : "failed";
    this.#abort.abort();
    this.#resolveExit(exit);
  }
}

function describe(exit: ExitReason): string {
  switch (exit.kind) {
    case "normal":
      return "exited normally";
    case "crashed":
      return `crashed: ${exit.error.message}`;
    case "killed":
      return `killed after ${exit.afterMs} ms`;
  }
}
