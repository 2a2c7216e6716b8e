/**
 * An OTP supervisor over Workers and nested supervisors. Children start in
 * order and stop in reverse. When one ends and its restart policy says so,
 * the strategy picks who restarts with it; restarts wait a backoff, and past
 * `intensity` restarts within `periodMs` the supervisor either gives up —
 * stops everything and ends as crashed, so its own supervisor decides
 * (escalation, OTP's rule) — or, with `onIntensity: "isolate"`, parks that
 * one child as failed and tries it again after the longest backoff, forever,
 * while its siblings run on. Every decision is a {@linkcode SupervisorEvent}.
 * Children can be added, removed and replaced while it runs (OTP's
 * start_child / terminate_child), for config reloads.
 *
 * Operations on a child are serialised on that child's lane; an operation
 * on a group (a rest_for_one restart) holds the lanes of the whole group.
 * So a child that restarts, or waits out its backoff, never holds up work on
 * a sibling it does not share a group with: under one_for_one a reload of
 * one camera never waits behind another camera's retries. Backoffs are
 * timers, not waits on a lane: a child waiting to restart can be removed or
 * replaced at once.
 *
 * @module
 */
import type { ActorState, ExitReason, StopReason } from "../defs.ts";
import { type Child, type ChildSpec, type ChildStatus, wantsRestart } from "./child.ts";
import { type EventStream, type SupervisorEvent } from "./events.ts";
import { backoffDelay, type SupervisorFlags, validateFlags, validateSpecs } from "./flags.ts";
import { RestartWindow } from "./restart_window.ts";
import { type Clock, realClock } from "./clock.ts";

export { type Clock, realClock };

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
  /** Where backoff jitter comes from (tests pass a fixed one). */
  random?: () => number;
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
  /** The tail of this slot's operations. */
  lane: Promise<void>;
  /** Aborts a restart that waits out its backoff (the slot was removed, replaced, stopped). */
  pending: AbortController | undefined;
  /**
   * This child's own restarts within the period: its backoff grows with its
   * own crashes, not its siblings'; with onIntensity "isolate" it is also
   * the window the intensity applies to.
   */
  window: RestartWindow;
  /** When a waiting restart is due (clock ms), for status. */
  retryAt: number | undefined;
}

export class Supervisor implements Child {
  readonly id: string;
  readonly exited: Promise<ExitReason>;
  readonly #flags: SupervisorFlags;
  #slots: Slot[];
  readonly #events: EventStream<SupervisorEvent>;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #window: RestartWindow;
  readonly #abort = new AbortController();
  readonly #retryFailedStarts: boolean;
  #stopping = false;
  #resolveExit!: (exit: ExitReason) => void;
  #exit: ExitReason | undefined;

  private constructor(options: SupervisorOptions) {
    validateFlags(options.flags);
    validateSpecs(options.children);
    this.id = options.id;
    this.#flags = options.flags;
    this.#events = options.events;
    this.#clock = options.clock ?? realClock;
    this.#random = options.random ?? Math.random;
    this.#retryFailedStarts = options.retryFailedStarts ?? false;
    this.#window = this.#newWindow();
    this.#slots = options.children.map((spec) => this.#newSlot(spec));
    this.exited = new Promise((resolve) => (this.#resolveExit = resolve));
  }

  /**
   * Validates the tree and starts every child in order. If one cannot start
   * (and `retryFailedStarts` is off), the started ones stop in reverse and
   * this rejects with the child's error.
   */
  static async start(options: SupervisorOptions): Promise<Supervisor> {
    const sup = new Supervisor(options);
    await sup.#run(sup.#slots, () => sup.#startAll());
    return sup;
  }

  /**
   * Stops every child in reverse order within `shutdownMs`, then ends
   * normally. Does not wait for operations under way: a child that finishes
   * starting after this is stopped as soon as it runs.
   */
  async stop(reason: StopReason, shutdownMs: number): Promise<ExitReason> {
    if (this.#exit !== undefined) return this.#exit;
    if (!this.#stopping) {
      this.#stopping = true;
      this.#abort.abort();
      for (const s of this.#slots) s.pending?.abort();
      const deadline = this.#clock.now() + shutdownMs;
      await this.#stopSlots(this.#slots, reason, deadline);
      this.#end({ kind: "normal" });
    }
    return await this.exited;
  }

  status(): ChildStatus {
    return {
      id: this.id,
      kind: "supervisor",
      state: this.#ownState(),
      children: this.#slots.map((s) => {
        const inner = s.child?.status();
        const node: ChildStatus = {
          id: s.spec.id,
          kind: inner?.kind ?? "actor",
          state: s.state,
          restarts: s.restarts,
        };
        if (s.lastExit !== undefined) node.lastExit = s.lastExit;
        if (s.retryAt !== undefined) {
          node.retryInMs = Math.max(0, Math.round(s.retryAt - this.#clock.now()));
        }
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
    try {
      this.#checkRunning("start a child");
      validateSpecs([...this.#slots.map((s) => s.spec), spec]);
    } catch (e) {
      return Promise.reject(e);
    }
    const slot = this.#newSlot(spec);
    this.#slots.push(slot);
    return this.#run([slot], () => this.#startFresh(slot));
  }

  /**
   * Stops the child `id` (within its `shutdownMs`) and forgets its spec (OTP's
   * `terminate_child` followed by `delete_child`). Resolves with how it ended;
   * rejects with a TypeError when there is no such child.
   */
  async terminateChild(id: string, reason: StopReason): Promise<ExitReason> {
    this.#checkRunning("terminate a child");
    const queued = this.#slot(id);
    queued.pending?.abort();
    let exit: ExitReason = { kind: "normal" };
    await this.#run([queued], async () => {
      // The slot by now: an operation before this one may have replaced it.
      const slot = this.#slot(id);
      slot.pending?.abort();
      exit = await this.#stopSlot(slot, reason, Infinity) ?? exit;
      this.#slots = this.#slots.filter((s) => s !== slot);
    });
    return exit;
  }

  /**
   * Replaces the child with `spec.id` by a new one in the same place: the old
   * one stops with `reason`, the new one starts, its restart count from zero.
   * Rejects like {@linkcode startChild} when the new one cannot start, and
   * with a TypeError when there is no such child.
   */
  replaceChild(spec: ChildSpec, reason: StopReason): Promise<void> {
    let queued: Slot;
    try {
      this.#checkRunning("replace a child");
      queued = this.#slot(spec.id);
      validateSpecs([...this.#slots.filter((s) => s !== queued).map((s) => s.spec), spec]);
    } catch (e) {
      return Promise.reject(e);
    }
    queued.pending?.abort();
    const fresh = this.#newSlot(spec);
    return this.#run([queued], async () => {
      this.#checkRunning("replace a child");
      // The slot by now: an operation before this one may have replaced it.
      const slot = this.#slot(spec.id);
      slot.pending?.abort();
      await this.#stopSlot(slot, reason, Infinity);
      this.#slots = this.#slots.map((s) => (s === slot ? fresh : s));
      // Later operations queued on the old slot's lane stay ordered after this one.
      fresh.lane = queued.lane;
      await this.#startFresh(fresh);
    });
  }

  /** The running child with this id, if any (to send it messages). */
  child(id: string): Child | undefined {
    return this.#slots.find((s) => s.spec.id === id)?.child;
  }

  #newSlot(spec: ChildSpec): Slot {
    return {
      spec,
      child: undefined,
      state: "stopped",
      restarts: 0,
      lastExit: undefined,
      lane: Promise.resolve(),
      pending: undefined,
      window: this.#newWindow(),
      retryAt: undefined,
    };
  }

  #newWindow(): RestartWindow {
    return new RestartWindow({
      intensity: this.#flags.intensity,
      periodMs: this.#flags.periodMs,
      now: () => this.#clock.now(),
    });
  }

  /** Runs `op` once every lane of `slots` is free, holding them until it ends. */
  #run(slots: readonly Slot[], op: () => Promise<void>): Promise<void> {
    const run = Promise.all(slots.map((s) => s.lane)).then(op);
    const tail = run.catch(() => {});
    for (const s of slots) s.lane = tail;
    return run;
  }

  /** The supervisor's own state: derived from its children while it runs. */
  #ownState(): ActorState {
    if (this.#exit !== undefined) return this.#exit.kind === "normal" ? "stopped" : "failed";
    if (this.#stopping) return "stopping";
    if (this.#slots.some((s) => s.state === "starting")) return "starting";
    if (this.#slots.some((s) => s.state !== "running")) return "restarting";
    return "running";
  }

  async #startAll(): Promise<void> {
    const retries: [Slot, string][] = [];
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[i];
      const failed = await this.#startSlot(slot);
      if (failed === undefined) continue;
      if (this.#retryFailedStarts) {
        retries.push([slot, `start failed: ${failed.message}`]);
        continue;
      }
      await this.#stopSlots(this.#slots.slice(0, i), "shutdown", Infinity);
      this.#end({ kind: "crashed", error: { name: failed.name, message: failed.message } });
      throw failed;
    }
    // Retried in the background: the supervisor runs with what could start.
    for (const [slot, cause] of retries) this.#scheduleRestart(slot, cause);
  }

  /** Starts a slot added or replaced at run time; see startChild for failures. */
  async #startFresh(slot: Slot): Promise<void> {
    if (!this.#slots.includes(slot) || this.#stopping) return;
    const failed = await this.#startSlot(slot);
    if (failed === undefined) return;
    if (this.#retryFailedStarts) {
      this.#scheduleRestart(slot, `start failed: ${failed.message}`);
      return;
    }
    this.#slots = this.#slots.filter((s) => s !== slot);
    throw failed;
  }

  #checkRunning(what: string): void {
    if (this.#exit !== undefined || this.#stopping) {
      throw new Error(`Supervisor ${this.id} is ${this.#ownState()}: cannot ${what}`);
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
    slot.retryAt = undefined;
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
    if (this.#stopping || !this.#slots.includes(slot)) {
      // Stopped or removed while it was starting: it must not outlive that.
      slot.state = "stopped";
      await child.stop("shutdown", slot.spec.shutdownMs);
      return undefined;
    }
    slot.child = child;
    slot.state = "running";
    this.#events.emit({ type: "child_started", supervisor: this.id, child: slot.spec.id });
    child.exited.then((exit) => {
      if (slot.child !== child) return; // stopped on purpose, or replaced
      const group = this.#group(slot);
      this.#run(group, () => this.#onExit(slot, child, exit, group));
    });
    return undefined;
  }

  async #onExit(slot: Slot, child: Child, exit: ExitReason, group: Slot[]): Promise<void> {
    // An instance that was replaced or stopped on purpose meanwhile is not news.
    if (slot.child !== child || this.#exit !== undefined || this.#stopping) return;
    slot.child = undefined;
    slot.lastExit = exit;
    slot.state = exit.kind === "normal" ? "stopped" : "failed";
    this.#events.emit({ type: "child_exited", supervisor: this.id, child: slot.spec.id, exit });
    if (!wantsRestart(slot.spec.restart, exit)) return;
    const live = group.filter((s) => this.#slots.includes(s));
    for (const s of live) if (s !== slot) s.state = "restarting";
    await this.#stopSlots(live.filter((s) => s !== slot), "restart", Infinity);
    this.#scheduleRestart(slot, describe(exit));
  }

  /**
   * Decides the next restart of `slot` (and its group) after a crash or a
   * failed start: a backoff timer, or past the intensity giving up (the
   * supervisor ends) or isolating (this child waits the longest backoff).
   */
  #scheduleRestart(slot: Slot, cause: string): void {
    if (this.#stopping || this.#exit !== undefined || !this.#slots.includes(slot)) return;
    const group = this.#group(slot);
    const isolating = this.#flags.onIntensity === "isolate";
    const own = slot.window.record();
    const shared = isolating ? own : this.#window.record();
    // The backoff counts this child's restarts; the intensity those of its window.
    const attempt = own < 0 ? this.#flags.intensity + 1 : own;
    let delayMs: number;
    if (shared < 0) {
      if (!isolating) {
        this.#run(this.#slots, () => this.#giveUp(cause));
        return;
      }
      // This child alone has spent its window: park it, then give it a fresh one.
      slot.window = this.#newWindow();
      delayMs = backoffDelay(this.#flags.backoff, Infinity, this.#random);
      for (const s of group) s.state = "failed";
      this.#events.emit({
        type: "isolated",
        supervisor: this.id,
        child: slot.spec.id,
        cause,
        restarts: this.#flags.intensity,
        periodMs: this.#flags.periodMs,
        retryInMs: delayMs,
      });
    } else {
      delayMs = backoffDelay(this.#flags.backoff, attempt, this.#random);
      for (const s of group) if (s.state !== "failed") s.state = "restarting";
      this.#events.emit({
        type: "restarting",
        supervisor: this.id,
        children: group.map((s) => s.spec.id),
        cause,
        delayMs,
        attempt,
      });
    }
    const pending = new AbortController();
    slot.pending?.abort();
    slot.pending = pending;
    slot.retryAt = this.#clock.now() + delayMs;
    this.#clock.sleep(delayMs, pending.signal).then(() => {
      if (pending.signal.aborted || slot.pending !== pending) return;
      slot.pending = undefined;
      const now = this.#group(slot);
      this.#run(now, () => this.#restartGroup(slot, now));
    });
  }

  /** Starts `slot` and the rest of its group, in order; a failure schedules the next try. */
  async #restartGroup(slot: Slot, group: Slot[]): Promise<void> {
    if (this.#stopping || this.#exit !== undefined || !this.#slots.includes(slot)) return;
    for (const s of group) {
      if (this.#stopping || !this.#slots.includes(s) || s.child !== undefined) continue;
      s.restarts++;
      const error = await this.#startSlot(s);
      if (error !== undefined) {
        for (const rest of group.slice(group.indexOf(s) + 1)) {
          if (rest.child === undefined) rest.state = "restarting";
        }
        this.#scheduleRestart(s, `start failed: ${error.message}`);
        return;
      }
    }
  }

  /** The slots a failure of `slot` restarts, in start order. */
  #group(slot: Slot): Slot[] {
    const index = this.#slots.indexOf(slot);
    if (index < 0) return [slot];
    switch (this.#flags.strategy) {
      case "one_for_one":
        return [slot];
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
    if (this.#stopping || this.#exit !== undefined) return;
    const { intensity, periodMs } = this.#flags;
    this.#events.emit({
      type: "gave_up",
      supervisor: this.id,
      cause,
      restarts: intensity,
      periodMs,
    });
    this.#stopping = true;
    this.#abort.abort();
    for (const s of this.#slots) s.pending?.abort();
    await this.#stopSlots(this.#slots, "shutdown", Infinity);
    const error = new SupervisorGaveUpError(
      `Supervisor ${this.id} gave up after more than ${intensity} restarts in ${periodMs} ms (last: ${cause})`,
    );
    this.#end({ kind: "crashed", error: { name: error.name, message: error.message } });
  }

  #end(exit: ExitReason): void {
    if (this.#exit !== undefined) return;
    this.#exit = exit;
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
