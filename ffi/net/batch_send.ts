/**
 * Datagrams sent several at a time, with one sendmmsg(2) per batch, from a
 * UDP socket this process already has open under another owner: a WebRTC
 * viewer's ICE socket belongs to werift (node:dgram), and node:dgram's
 * `send` costs 15–20 µs of CPU a packet in Deno (a promise, a copy and a
 * hop through the runtime's reactor) against 3–4 µs for the system call.
 * The socket is found by its local address (getsockname over this
 * process's descriptors); it is borrowed, never closed here: its owner
 * must say when it is closed (the caller checks that before each send, on
 * the thread that would close it).
 *
 * The batch owns its packet buffers (one slab, `capacity` slots of
 * `slotBytes`) and the C structs that point at them, made once:
 *
 * ```
 *  struct mmsghdr (64 bytes) × capacity     struct iovec (16) × capacity
 *   +0  struct msghdr (56, _layout.ts)        +0 void*  iov_base ─▶ slot i
 *       msg_name ─▶ the target's sockaddr     +8 size_t iov_len  (set per send)
 *       msg_iov  ─▶ iovec i, msg_iovlen 1
 *   +56 unsigned msg_len (the kernel's)
 * ```
 *
 * No pointer leaves this file.
 *
 * @module
 */
import {
  EBADF,
  EINTR,
  IOVEC_BYTES,
  MMSGHDR_BYTES,
  MSG_IOV,
  MSG_IOVLEN,
  MSG_NAME,
  MSG_NAMELEN,
  SO_TYPE,
  SOCK_DGRAM,
  SOCKADDR_STORAGE_BYTES,
  SOL_SOCKET,
} from "./_layout.ts";
import { addressOf, errno, libc } from "./_libc.ts";
import { encodeSockaddr, familyOf, type SocketAddress } from "./_sockaddr.ts";

/** Never wait for room (the socket's owner made it non-blocking too), never raise SIGPIPE. */
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000;
/** Largest batch: the kernel's UIO_MAXIOV caps one sendmmsg at 1024 messages. */
export const MAX_BATCH = 1024;
/** Largest slot: a UDP datagram's payload. */
const MAX_SLOT_BYTES = 65_507;

// A size_t field written as two 32-bit halves (little-endian LP64): no BigInt per call.
function setSize(v: DataView, at: number, n: number): void {
  v.setUint32(at, n, true);
  v.setUint32(at + 4, 0, true);
}

function setPointer(v: DataView, at: number, address: bigint): void {
  v.setBigUint64(at, address, true);
}

/**
 * Descriptors probed past the last open one before the search gives up.
 * Reason: the kernel hands out the lowest free descriptor, so open ones sit
 * close together; a gap this long means none are left above it.
 */
const MAX_FD_GAP = 1024;
/** Highest descriptor probed at all (a runaway guard). */
const MAX_FD = 1 << 20;

/**
 * The descriptor of this process's UDP socket bound to `local` (as
 * node:dgram's `address()` reports it), or -1 when there is none, or more
 * than one (SO_REUSEPORT: which would be a guess). The descriptors are
 * probed with getsockname(2) from 0 up: Deno lets only --allow-all list
 * /proc/self/fd.
 */
export function findUdpDescriptor(local: SocketAddress): number {
  const c = libc();
  const want = new Uint8Array(SOCKADDR_STORAGE_BYTES);
  const wantLength = encodeSockaddr(local, want);
  const name = new Uint8Array(SOCKADDR_STORAGE_BYTES);
  const length = new Uint32Array(1);
  const lengthBytes = new Uint8Array(length.buffer);
  const type = new Uint8Array(4);
  const typeLength = new Uint32Array(1);
  const typeLengthBytes = new Uint8Array(typeLength.buffer);
  let found = -1;
  for (let fd = 0, gap = 0; gap <= MAX_FD_GAP && fd < MAX_FD; fd++) {
    length[0] = SOCKADDR_STORAGE_BYTES;
    if (c.getsockname(fd, name, lengthBytes) !== 0) {
      // EBADF: no such descriptor; ENOTSOCK: open, not a socket.
      gap = errno() === EBADF ? gap + 1 : 0;
      continue;
    }
    gap = 0;
    if (length[0] !== wantLength) continue;
    let same = true;
    for (let i = 0; i < wantLength && same; i++) same = name[i] === want[i];
    if (!same) continue;
    typeLength[0] = 4;
    if (
      c.getsockopt(fd, SOL_SOCKET, SO_TYPE, type, typeLengthBytes) !== 0 ||
      new DataView(type.buffer).getInt32(0, true) !== SOCK_DGRAM
    ) continue;
    if (found >= 0) return -1;
    found = fd;
  }
  return found;
}

/** What {@linkcode DatagramBatch.send} did: datagrams the kernel took, and why it stopped. */
export interface BatchResult {
  sent: number;
  /** 0 when all went out, else the errno that stopped the batch (EAGAIN: no room now). */
  errno: number;
}

/**
 * Up to `capacity` datagrams to one destination, written into the batch's
 * own slots and sent with one system call. One thread.
 */
export class DatagramBatch {
  readonly capacity: number;
  readonly slotBytes: number;
  readonly #slots: Uint8Array[] = [];
  readonly #headers: Uint8Array;
  readonly #header: DataView;
  readonly #iovecs: DataView;
  readonly #name = new Uint8Array(SOCKADDR_STORAGE_BYTES);
  #fd = -1;
  readonly result: BatchResult = { sent: 0, errno: 0 };

  constructor(options: { capacity: number; slotBytes: number }) {
    const { capacity, slotBytes } = options;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_BATCH) {
      throw new RangeError(`A batch holds 1 to ${MAX_BATCH} datagrams, got ${capacity}`);
    }
    if (!Number.isInteger(slotBytes) || slotBytes < 1 || slotBytes > MAX_SLOT_BYTES) {
      throw new RangeError(`A slot holds 1 to ${MAX_SLOT_BYTES} bytes, got ${slotBytes}`);
    }
    this.capacity = capacity;
    this.slotBytes = slotBytes;
    const slab = new Uint8Array(capacity * slotBytes);
    this.#headers = new Uint8Array(capacity * MMSGHDR_BYTES);
    this.#header = new DataView(this.#headers.buffer);
    const iovecs = new Uint8Array(capacity * IOVEC_BYTES);
    this.#iovecs = new DataView(iovecs.buffer);
    const slabAt = addressOf(slab);
    const iovAt = addressOf(iovecs);
    const nameAt = addressOf(this.#name);
    for (let i = 0; i < capacity; i++) {
      this.#slots.push(slab.subarray(i * slotBytes, (i + 1) * slotBytes));
      setPointer(this.#iovecs, i * IOVEC_BYTES, slabAt + BigInt(i * slotBytes));
      const h = i * MMSGHDR_BYTES;
      setPointer(this.#header, h + MSG_NAME, nameAt);
      setPointer(this.#header, h + MSG_IOV, iovAt + BigInt(i * IOVEC_BYTES));
      setSize(this.#header, h + MSG_IOVLEN, 1);
    }
  }

  /** Slot `i`'s bytes: write datagram `i` there. */
  slot(i: number): Uint8Array {
    return this.#slots[i];
  }

  /**
   * Sends from the socket bound to `local` (see {@linkcode findUdpDescriptor})
   * to `to`. False, and nothing to send from, when there is no such socket.
   */
  aim(local: SocketAddress, to: SocketAddress): boolean {
    if (familyOf(to.address) !== local.family) {
      throw new TypeError(`An IPv${local.family} socket cannot send to "${to.address}"`);
    }
    this.#fd = findUdpDescriptor(local);
    if (this.#fd < 0) return false;
    const length = encodeSockaddr(to, this.#name);
    for (let i = 0; i < this.capacity; i++) {
      this.#header.setUint32(i * MMSGHDR_BYTES + MSG_NAMELEN, length, true);
    }
    return true;
  }

  /** Whether {@linkcode aim} found the socket. */
  get aimed(): boolean {
    return this.#fd >= 0;
  }

  /** Forgets the socket (its owner is closing it). */
  release(): void {
    this.#fd = -1;
  }

  /**
   * Sends slots [0, count), slot i's first `lengths[i]` bytes each, in
   * order. Never blocks, never throws for a network condition: the result
   * (reused) says how many the kernel took, and the errno that stopped the
   * rest. The caller must know the socket is still open.
   */
  send(count: number, lengths: Int32Array): BatchResult {
    const r = this.result;
    r.sent = 0;
    r.errno = 0;
    if (this.#fd < 0) throw new Deno.errors.BadResource("The batch has no socket (aim it first)");
    if (count > this.capacity || count > lengths.length) {
      throw new RangeError(`Cannot send ${count} datagrams from a batch of ${this.capacity}`);
    }
    for (let i = 0; i < count; i++) {
      const n = lengths[i];
      if (!(n >= 0 && n <= this.slotBytes)) {
        throw new RangeError(`A ${n}-byte datagram does not fit a ${this.slotBytes}-byte slot`);
      }
      setSize(this.#iovecs, i * IOVEC_BYTES + 8, n);
    }
    const c = libc();
    while (r.sent < count) {
      const from = r.sent === 0 ? this.#headers : this.#headers.subarray(r.sent * MMSGHDR_BYTES);
      const n = c.sendmmsg(
        this.#fd,
        from,
        count - r.sent,
        MSG_DONTWAIT | MSG_NOSIGNAL,
      );
      if (n > 0) {
        r.sent += n;
        continue;
      }
      const e = errno();
      if (e === EINTR) continue;
      r.errno = e;
      break;
    }
    return r;
  }
}
