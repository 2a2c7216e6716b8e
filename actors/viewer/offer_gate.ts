/**
 * The viewer actor's door: counts what admission.ts decides on (sessions,
 * connecting ones per client, offers being answered, the Worker's CPU),
 * lets an offer start, queues it (offer_queue.ts) or refuses it, and counts
 * refusals. An offer that starts holds a turn until its answer is made
 * (then its session counts instead).
 *
 * @module
 */
import {
  type Admission,
  admit,
  admitWaiting,
  type Client,
  clientKey,
  type Load,
  type Refusal,
} from "./admission.ts";
import { OfferQueue } from "./offer_queue.ts";
import { REFUSAL_PROBLEMS, type RefusalProblem } from "./protocol.ts";

/** What the gate needs to know of a session. */
export interface GateSession {
  readonly state: "connecting" | "connected" | "closed";
  readonly clientKey: string;
}

/** An offer's turn: release it once the answer is made or failed. */
export interface Turn {
  readonly key: string;
  release(): void;
}

export class OfferGate {
  readonly #queue = new OfferQueue();
  /** Offers being answered, per client key. */
  readonly #answering = new Map<string, number>();
  #answeringTotal = 0;
  readonly #maxViewers: number;
  readonly #sessions: () => Iterable<GateSession>;
  readonly #cpu: () => number;
  readonly refused = Object.fromEntries(REFUSAL_PROBLEMS.map((p) => [p, 0])) as Record<
    RefusalProblem,
    number
  >;

  constructor(options: {
    maxViewers: number;
    sessions: () => Iterable<GateSession>;
    cpu: () => number;
  }) {
    this.#maxViewers = options.maxViewers;
    this.#sessions = options.sessions;
    this.#cpu = options.cpu;
  }

  /** Offers waiting their turn. */
  get waiting(): number {
    return this.#queue.size;
  }

  /** Waits for the offer's turn (at most MAX_WAIT_MS); the refusal if it gets none. */
  async enter(client: Client, nowMs: number): Promise<Turn | Refusal> {
    const key = clientKey(client);
    const first = admit(this.#load(key, true));
    if (first.kind === "refuse") return this.#refuse(first.refusal);
    if (first.kind === "start") this.#take(key);
    else {
      const refusal = await this.#queue.wait(key, nowMs);
      if (refusal !== null) return this.#refuse(refusal);
    }
    let released = false;
    return {
      key,
      release: () => {
        if (released) return;
        released = true;
        const n = this.#answering.get(key)! - 1;
        if (n === 0) this.#answering.delete(key);
        else this.#answering.set(key, n);
        this.#answeringTotal--;
      },
    };
  }

  /** Counts a refusal made elsewhere (an offer werift could not answer). */
  count(refusal: Refusal): Refusal {
    return this.#refuse(refusal);
  }

  /** Lets waiting offers start that may now, and ends waits that took too long. */
  drain(nowMs: number): void {
    if (this.#queue.size === 0) return;
    this.#queue.drain(
      nowMs,
      (key, waitedMs): Admission => admitWaiting(this.#load(key, false), waitedMs),
      (key) => this.#take(key),
    );
  }

  /** Refuses every waiting offer (the actor stops). */
  close(message: string): void {
    this.#queue.clear({ ok: false, problem: "busy", message });
  }

  #take(key: string): void {
    this.#answering.set(key, (this.#answering.get(key) ?? 0) + 1);
    this.#answeringTotal++;
  }

  #refuse(refusal: Refusal): Refusal {
    this.refused[refusal.problem]++;
    return refusal;
  }

  #load(key: string, arriving: boolean): Load {
    let sessions = 0;
    let connecting = this.#answeringTotal;
    let mine = this.#answering.get(key) ?? 0;
    for (const s of this.#sessions()) {
      if (s.state === "closed") continue;
      sessions++;
      if (s.state !== "connecting") continue;
      connecting++;
      if (s.clientKey === key) mine++;
    }
    return {
      sessions: sessions + this.#answeringTotal,
      connecting,
      waiting: arriving ? this.#queue.size : 0,
      maxViewers: this.#maxViewers,
      cpu: this.#cpu(),
      mine: { connecting: mine, waiting: arriving ? this.#queue.count(key) : 0 },
    };
  }
}
