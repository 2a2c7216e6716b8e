import { MAX_RTP_PACKET_BYTES, RTP_HEADER_BYTES } from "./header.ts";

/**
 * Where a packetizer writes packets, without an intermediate copy.
 *
 * For each packet the packetizer calls `begin(maxBytes)` and gets a region of
 * at least `maxBytes` bytes. It leaves the first {@linkcode RTP_HEADER_BYTES}
 * for the header stamper and writes the payload after them, then calls
 * `end(bytes, marker)` with the packet's whole length (header included). The
 * region must stay valid, and unseen by readers, from `begin` to `end`.
 *
 * This maps one to one onto a byte ring's reserve/commit: `begin` reserves,
 * `end` commits the length with metadata (the marker bit as a flag, the RTP
 * timestamp as `aux`). {@linkcode PacketBuffer} is the array-backed target for
 * tests and UDP senders.
 */
export interface PacketTarget {
  begin(maxBytes: number): Uint8Array;
  end(bytes: number, marker: boolean): void;
}

/**
 * A growable, preallocated {@linkcode PacketTarget}: fixed-size slots whose
 * views are made once, so filling it allocates nothing after warm-up.
 * `clear()` before each frame, then read `length`, `packet(i)`, `marker(i)`.
 */
export class PacketBuffer implements PacketTarget {
  readonly slotBytes: number;
  #slots: Uint8Array[] = [];
  #sizes: Int32Array;
  #markers: Uint8Array;
  #length = 0;
  #open = false;

  constructor(options: { slots?: number; slotBytes?: number } = {}) {
    const slots = options.slots ?? 64;
    const slotBytes = options.slotBytes ?? 1500;
    if (!Number.isInteger(slots) || slots < 1 || slots > 1 << 20) {
      throw new RangeError(`A packet buffer needs 1 to 1048576 slots, got ${slots}`);
    }
    if (
      !Number.isInteger(slotBytes) || slotBytes <= RTP_HEADER_BYTES ||
      slotBytes > MAX_RTP_PACKET_BYTES
    ) {
      throw new RangeError(
        `A packet slot must be 13 to ${MAX_RTP_PACKET_BYTES} bytes, got ${slotBytes}`,
      );
    }
    this.slotBytes = slotBytes;
    this.#sizes = new Int32Array(slots);
    this.#markers = new Uint8Array(slots);
    this.#grow(slots);
  }

  #grow(slots: number): void {
    const slab = new Uint8Array((slots - this.#slots.length) * this.slotBytes);
    for (let i = 0; this.#slots.length < slots; i++) {
      this.#slots.push(slab.subarray(i * this.slotBytes, (i + 1) * this.slotBytes));
    }
    if (this.#sizes.length < slots) {
      const sizes = new Int32Array(slots);
      sizes.set(this.#sizes);
      this.#sizes = sizes;
      const markers = new Uint8Array(slots);
      markers.set(this.#markers);
      this.#markers = markers;
    }
  }

  begin(maxBytes: number): Uint8Array {
    if (!(maxBytes > RTP_HEADER_BYTES && maxBytes <= this.slotBytes)) {
      throw new RangeError(`A packet must fit a ${this.slotBytes}-byte slot, asked ${maxBytes}`);
    }
    if (this.#length === this.#slots.length) this.#grow(this.#slots.length * 2);
    this.#open = true;
    return this.#slots[this.#length];
  }

  end(bytes: number, marker: boolean): void {
    if (!this.#open) throw new TypeError("end() needs a begin() first");
    if (!(bytes >= RTP_HEADER_BYTES && bytes <= this.slotBytes)) {
      throw new RangeError(`A packet must be 12 to ${this.slotBytes} bytes, got ${bytes}`);
    }
    this.#sizes[this.#length] = bytes;
    this.#markers[this.#length] = marker ? 1 : 0;
    this.#length++;
    this.#open = false;
  }

  /** Packets written since the last `clear()`. */
  get length(): number {
    return this.#length;
  }

  /** A view of packet `i`, valid until the buffer is cleared. */
  packet(i: number): Uint8Array {
    this.#check(i);
    return this.#slots[i].subarray(0, this.#sizes[i]);
  }

  /** The marker the packetizer gave packet `i`. */
  marker(i: number): boolean {
    this.#check(i);
    return this.#markers[i] === 1;
  }

  clear(): void {
    this.#length = 0;
    this.#open = false;
  }

  #check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.#length) {
      throw new RangeError(`Packet index must be 0 to ${this.#length - 1}, got ${i}`);
    }
  }
}
