/** Test trees built from real crasher Workers, a manual clock and an event log. */
import { type ActorProcess, spawnActor } from "../../../actors/runtime/mod.ts";
import {
  type ChildSpec,
  type Clock,
  EventStream,
  type RestartPolicy,
  type SupervisorEvent,
} from "../../../actors/supervisor/mod.ts";
import { CRASHER_URL, type CrasherProtocol } from "../runtime/_crasher_protocol.ts";

/** A clock whose time moves only when told; sleeps return at once and are recorded. */
export class ManualClock implements Clock {
  t = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return Promise.resolve();
  }
}

/** One test child: how many times it started, and the instance now running. */
export interface Crasher {
  id: string;
  starts: number;
  /** How the next starts behave. */
  startMode: "ok" | "throw";
  stopMode: "ok" | "hang";
  current: ActorProcess<CrasherProtocol> | undefined;
}

export function crasher(id: string): Crasher {
  return { id, starts: 0, startMode: "ok", stopMode: "ok", current: undefined };
}

export function spec(
  c: Crasher,
  restart: RestartPolicy = "permanent",
  shutdownMs = 500,
): ChildSpec {
  return {
    id: c.id,
    restart,
    shutdownMs,
    start: async () => {
      c.starts++;
      c.current = await spawnActor<CrasherProtocol>({
        id: c.id,
        url: CRASHER_URL,
        init: { tag: c.id, startMode: c.startMode, stopMode: c.stopMode },
        log: () => {},
      });
      return c.current;
    },
  };
}

/** Records every event as a short string ("started a", "restarting b,c", …) and waits for them. */
export class EventLog {
  readonly stream = new EventStream<SupervisorEvent>();
  readonly lines: string[] = [];
  readonly events: SupervisorEvent[] = [];

  constructor() {
    this.stream.subscribe((e) => {
      this.events.push(e);
      this.lines.push(short(e));
    });
  }

  /** Waits until a line matching `pattern` has been logged `count` times. */
  async until(pattern: RegExp, count = 1, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.filter((l) => pattern.test(l)).length < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `No ${count}× ${pattern} within ${timeoutMs} ms; log: ${this.lines.join(" | ")}`,
        );
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  clear(): void {
    this.lines.length = 0;
    this.events.length = 0;
  }
}

function short(e: SupervisorEvent): string {
  switch (e.type) {
    case "child_started":
      return `${e.supervisor}: started ${e.child}`;
    case "start_failed":
      return `${e.supervisor}: start failed ${e.child}`;
    case "child_exited":
      return `${e.supervisor}: exited ${e.child} ${e.exit.kind}`;
    case "child_stopped":
      return `${e.supervisor}: stopped ${e.child} ${e.exit.kind}`;
    case "restarting":
      return `${e.supervisor}: restarting ${e.children.join(",")}`;
    case "gave_up":
      return `${e.supervisor}: gave up`;
    case "isolated":
      return `${e.supervisor}: isolated ${e.child}`;
  }
}
