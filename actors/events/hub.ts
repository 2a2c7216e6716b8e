/**
 * The events of one data directory inside this process: the store in
 * `<data_dir>/eyrie.db`, opened on first use, and the live stream that SSE
 * clients listen to. The detectors of every camera record through it and the
 * HTTP routes read from it; both find it by data directory, so neither has
 * to hand it to the other.
 *
 * @module
 */
import { join } from "node:path";
import { EventStream } from "../supervisor/events.ts";
import { type EventLimits, EventStore } from "./store.ts";
import type { EventBody, StoredEvent } from "./types.ts";

/** The state file inside the data dir, shared with the recording index. */
export const STATE_DB = "eyrie.db";

const hubs = new Map<string, EventHub>();

/** One data dir's event store and live stream. */
export class EventHub {
  readonly dataDir: string;
  /** Every event once stored, in order. */
  readonly stream = new EventStream<StoredEvent>();
  #store: EventStore | undefined;

  private constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  /** The hub of `dataDir` in this process (made on first use). */
  static for(dataDir: string): EventHub {
    let hub = hubs.get(dataDir);
    if (hub === undefined) {
      hub = new EventHub(dataDir);
      hubs.set(dataDir, hub);
    }
    return hub;
  }

  /** The store; the first call creates the data dir and opens the database. */
  get store(): EventStore {
    if (this.#store === undefined) {
      Deno.mkdirSync(this.dataDir, { recursive: true });
      this.#store = EventStore.open(join(this.dataDir, STATE_DB));
    }
    return this.#store;
  }

  /** Stores an event, then hands it to every live listener. */
  record(
    camera: string,
    body: EventBody,
    options: { snapshot: Uint8Array | null; limits: EventLimits },
  ): StoredEvent {
    const stored = this.store.insert(camera, body, options);
    this.stream.emit(stored);
    return stored;
  }

  /** Closes the database; the next use opens it again. */
  close(): void {
    this.#store?.close();
    this.#store = undefined;
  }
}

/** Closes every hub's database (tests, shutdown). */
export function closeEventHubs(): void {
  for (const hub of hubs.values()) hub.close();
  hubs.clear();
}
