// recvmsg(2) with its ancillary data: one datagram into the caller's buffer,
// plus the sender's address and the TOS byte and TTL the packet carried
// (IP_RECVTOS/IP_RECVTTL, IPV6_RECVTCLASS/IPV6_RECVHOPLIMIT). The msghdr,
// iovec, name and control buffers are made once and point at each other;
// nothing is allocated per datagram. Layouts in _layout.ts.
import {
  CMSG_DATA,
  CMSG_LEVEL,
  CMSG_TYPE,
  EAGAIN,
  EINTR,
  IOVEC_BYTES,
  IP_TOS,
  IP_TTL,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPV6_HOPLIMIT,
  IPV6_TCLASS,
  MSG_CONTROL,
  MSG_CONTROLLEN,
  MSG_IOV,
  MSG_IOVLEN,
  MSG_NAME,
  MSG_NAMELEN,
  MSGHDR_BYTES,
  SOCKADDR_STORAGE_BYTES,
} from "./_layout.ts";
import { addressOf, errno, libc } from "./_libc.ts";
import { decodeSockaddr, type SocketAddress } from "./_sockaddr.ts";
import { SocketError } from "./errors.ts";

/** Room for the TOS and TTL control messages (16 + 8 bytes each, aligned), and then some. */
const CONTROL_BYTES = 128;

// A size_t field written as two 32-bit halves (little-endian LP64): no BigInt per call.
function setSize(v: DataView, at: number, n: number): void {
  v.setUint32(at, n, true);
  v.setUint32(at + 4, 0, true);
}

export class MessageReader {
  readonly #msghdr = new Uint8Array(MSGHDR_BYTES);
  readonly #msg = new DataView(this.#msghdr.buffer);
  readonly #iovec = new DataView(new ArrayBuffer(IOVEC_BYTES));
  readonly #name = new Uint8Array(SOCKADDR_STORAGE_BYTES);
  readonly #control = new Uint8Array(CONTROL_BYTES);
  readonly #cmsg = new DataView(this.#control.buffer);
  #into: Uint8Array | undefined;
  tos = -1;
  ttl = -1;

  constructor() {
    const m = this.#msg;
    m.setBigUint64(MSG_NAME, addressOf(this.#name), true);
    m.setBigUint64(MSG_IOV, addressOf(new Uint8Array(this.#iovec.buffer)), true);
    setSize(m, MSG_IOVLEN, 1);
    m.setBigUint64(MSG_CONTROL, addressOf(this.#control), true);
  }

  /** One datagram from `fd` into `into`: its length, or -1 when none is waiting. */
  read(fd: number, into: Uint8Array): number {
    if (this.#into !== into) {
      this.#into = into;
      this.#iovec.setBigUint64(0, addressOf(into), true);
      setSize(this.#iovec, 8, into.length);
    }
    for (;;) {
      this.#msg.setUint32(MSG_NAMELEN, SOCKADDR_STORAGE_BYTES, true);
      setSize(this.#msg, MSG_CONTROLLEN, CONTROL_BYTES);
      const n = libc().recvmsg(fd, this.#msghdr, 0);
      if (n >= 0) {
        this.#readControl(this.#msg.getUint32(MSG_CONTROLLEN, true));
        return n;
      }
      const e = errno();
      if (e === EAGAIN) return -1;
      if (e !== EINTR) throw new SocketError("recvmsg", e);
    }
  }

  /** The sender of the last datagram read. */
  sender(): SocketAddress {
    const s = decodeSockaddr(this.#name);
    if (s === null) throw new TypeError("No datagram received yet");
    return s;
  }

  // Walks the control messages (CMSG_FIRSTHDR/CMSG_NXTHDR) for the TOS byte and the TTL.
  #readControl(length: number): void {
    const c = this.#cmsg;
    this.tos = -1;
    this.ttl = -1;
    let at = 0;
    while (at + CMSG_DATA <= length) {
      const len = c.getUint32(at, true);
      if (len < CMSG_DATA || at + len > length) break;
      const level = c.getInt32(at + CMSG_LEVEL, true);
      const type = c.getInt32(at + CMSG_TYPE, true);
      const data = at + CMSG_DATA;
      // IPv4 delivers IP_TOS as one byte and IP_TTL as an int; IPv6 both as ints.
      if (level === IPPROTO_IP && type === IP_TOS) this.tos = this.#control[data];
      else if (level === IPPROTO_IP && type === IP_TTL) this.ttl = c.getInt32(data, true);
      else if (level === IPPROTO_IPV6 && type === IPV6_TCLASS) {
        this.tos = c.getInt32(data, true) & 0xff;
      } else if (level === IPPROTO_IPV6 && type === IPV6_HOPLIMIT) {
        this.ttl = c.getInt32(data, true);
      }
      at += (len + 7) & ~7; // CMSG_ALIGN
    }
  }
}
