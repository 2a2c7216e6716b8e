/**
 * Default bound on queued access units: two seconds at 30 fps. A live stream
 * that is further behind is better dropped than delivered late.
 */
export const DEFAULT_QUEUE_ACCESS_UNITS = 60;
/**
 * Default bound on queued bytes: 16 MiB, which holds any single access unit
 * (see MAX_PAYLOAD_BYTES) with its header, and eight seconds of an 8 Mbps stream.
 */
export const DEFAULT_QUEUE_BYTES = 16 * 1024 * 1024 + 64;

/** Options of {@linkcode SendQueue}. */
export interface SendQueueOptions<T> {
  /** At most this many items queued; default {@linkcode DEFAULT_QUEUE_ACCESS_UNITS}. */
  maxItems?: number;
  /** At most this many bytes queued; default {@linkcode DEFAULT_QUEUE_BYTES}. */
  maxBytes?: number;
  /** Gets every item the queue refuses or discards, e.g. to reuse its buffer. */
  onDrop?: (item: T) => void;
}

/** Counters of a {@linkcode SendQueue}. */
export interface SendQueueStats {
  offered: number;
  dropped: number;
  droppedBytes: number;
}

/**
 * The bounded queue between a live source and a slow connection; pure, no
 * I/O. `offer()` never waits: when the queue is full it drops, and because a
 * predicted frame needs the frames before it, it then drops everything up to
 * the next keyframe. A keyframe that does not fit replaces the whole queue:
 * what was queued is older, and the keyframe alone can be decoded. The queue
 * starts by waiting for a keyframe, as a receiver cannot start elsewhere.
 */
export class SendQueue<T> {
  readonly #maxItems: number;
  readonly #maxBytes: number;
  readonly #onDrop: (item: T) => void;
  readonly #items: T[] = [];
  readonly #sizes: number[] = [];
  #head = 0;
  #bytes = 0;
  #awaitingKeyframe = true;
  readonly #stats: SendQueueStats = { offered: 0, dropped: 0, droppedBytes: 0 };

  constructor(options: SendQueueOptions<T> = {}) {
    this.#maxItems = positive("maxItems", options.maxItems ?? DEFAULT_QUEUE_ACCESS_UNITS);
    this.#maxBytes = positive("maxBytes", options.maxBytes ?? DEFAULT_QUEUE_BYTES);
    this.#onDrop = options.onDrop ?? (() => {});
  }

  /** Items waiting. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Bytes waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  /** True while non-keyframes are dropped. */
  get awaitingKeyframe(): boolean {
    return this.#awaitingKeyframe;
  }

  /** A snapshot of the counters. */
  get stats(): SendQueueStats {
    return { ...this.#stats };
  }

  /** Queues `item` of `bytes` bytes, or drops it; true if queued. Never waits. */
  offer(item: T, bytes: number, keyframe: boolean): boolean {
    this.#stats.offered++;
    if (bytes > this.#maxBytes || (this.#awaitingKeyframe && !keyframe)) {
      return this.#refuse(item, bytes);
    }
    if (this.length >= this.#maxItems || this.#bytes + bytes > this.#maxBytes) {
      if (!keyframe) return this.#refuse(item, bytes);
      this.clear();
    }
    this.#items.push(item);
    this.#sizes.push(bytes);
    this.#bytes += bytes;
    if (keyframe) this.#awaitingKeyframe = false;
    return true;
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#bytes -= this.#sizes[this.#head];
    this.#head++;
    // Compact now and then instead of Array.shift() on every item.
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#sizes.length = 0;
      this.#head = 0;
    } else if (this.#head >= this.#maxItems) {
      this.#items.splice(0, this.#head);
      this.#sizes.splice(0, this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Drops everything queued (counted) and waits for the next keyframe. */
  clear(): void {
    for (let i = this.#head; i < this.#items.length; i++) {
      this.#count(this.#sizes[i]);
      this.#onDrop(this.#items[i]);
    }
    this.#items.length = 0;
    this.#sizes.length = 0;
    this.#head = 0;
    this.#bytes = 0;
    this.#awaitingKeyframe = true;
  }

  #refuse(item: T, bytes: number): false {
    this.#count(bytes);
    this.#awaitingKeyframe = true;
    this.#onDrop(item);
    return false;
  }

  #count(bytes: number): void {
    this.#stats.dropped++;
    this.#stats.droppedBytes += bytes;
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Invalid ${name} "${value}": expected a whole number above 0`);
  }
  return value;
}
