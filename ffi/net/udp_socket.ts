/**
 * A non-blocking UDP socket on libc, for what node:dgram and Deno cannot do:
 * mark packets with a DSCP (IP_TOS / IPV6_TCLASS), set the multicast TTL and
 * interface, and read the TOS byte and TTL of received packets (IP_RECVTOS,
 * IP_RECVTTL).
 *
 * @module
 */
import {
  AF_INET,
  AF_INET6,
  IMR_IFINDEX,
  IP_ADD_MEMBERSHIP,
  IP_MREQN_BYTES,
  IP_MULTICAST_IF,
  IP_MULTICAST_LOOP,
  IP_MULTICAST_TTL,
  IP_RECVTOS,
  IP_RECVTTL,
  IP_TOS,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPV6_JOIN_GROUP,
  IPV6_MREQ_BYTES,
  IPV6_MULTICAST_HOPS,
  IPV6_MULTICAST_IF,
  IPV6_MULTICAST_LOOP,
  IPV6_RECVHOPLIMIT,
  IPV6_RECVTCLASS,
  IPV6_TCLASS,
  IPV6_V6ONLY,
  IPV6MR_INTERFACE,
  POLLIN,
  SO_RCVBUF,
  SO_REUSEADDR,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCKADDR_STORAGE_BYTES,
  SOL_SOCKET,
} from "./_layout.ts";
import { errno, libc } from "./_libc.ts";
import {
  decodeSockaddr,
  encodeSockaddr,
  familyOf,
  ipv4Bytes,
  ipv6Bytes,
  type SocketAddress,
} from "./_sockaddr.ts";
import { SocketError } from "./errors.ts";
import { usize } from "../libc/usize.ts";
import { MessageReader } from "./_message.ts";

/** Options of {@linkcode UdpSocket.open}. */
export interface UdpSocketOptions {
  family: 4 | 6;
  /** Local address and port. Default: every address, a free port. */
  bind?: { address?: string; port?: number };
  /** SO_REUSEADDR, so several sockets can bind one multicast port. */
  reuseAddress?: boolean;
  /** SO_RCVBUF in bytes; the kernel caps it at net.core.rmem_max. */
  receiveBufferBytes?: number;
}

/** A destination encoded once, for sending to it many times without allocating. */
export class SendTarget {
  readonly address: SocketAddress;
  /** The sockaddr bytes. */
  readonly sockaddr: Uint8Array;
  readonly length: number;

  constructor(address: SocketAddress) {
    this.address = { ...address };
    this.sockaddr = new Uint8Array(SOCKADDR_STORAGE_BYTES);
    this.length = encodeSockaddr(address, this.sockaddr);
  }
}

/** Longest interface name, terminator excluded. Reason: Linux's IFNAMSIZ is 16. */
const MAX_INTERFACE_NAME = 15;

function interfaceIndex(name: string): number {
  if (!/^[A-Za-z0-9_.:@-]+$/.test(name) || name.length > MAX_INTERFACE_NAME) {
    throw new TypeError(`"${name}" is not a network interface name`);
  }
  const index = libc().if_nametoindex(new TextEncoder().encode(name + "\0"));
  if (index === 0) throw new SocketError("if_nametoindex", errno(), `"${name}"`);
  return index;
}

function int32(value: number): Uint8Array {
  return new Uint8Array(Int32Array.of(value).buffer);
}

/**
 * A non-blocking UDP socket. `send` and `receive` never wait: `send` returns
 * an errno instead of throwing (a hot path counts failures), `receive`
 * returns -1 when nothing is queued; `readable()` waits for a datagram on a
 * thread of Deno's blocking pool. Close it (or `using` it) exactly once.
 */
export class UdpSocket implements Disposable {
  readonly family: 4 | 6;
  #fd: number;
  #polling: Promise<number> | undefined;
  readonly #pollfd = new Uint8Array(8);
  readonly #reader = new MessageReader();
  #closing = false;

  private constructor(family: 4 | 6, fd: number) {
    this.family = family;
    this.#fd = fd;
  }

  /** Opens and binds a socket. Throws {@linkcode SocketError} naming the failed call. */
  static open(options: UdpSocketOptions): UdpSocket {
    const family = options.family;
    if (family !== 4 && family !== 6) {
      throw new TypeError(`A socket family must be 4 or 6, got ${family}`);
    }
    const c = libc();
    const fd = c.socket(
      family === 4 ? AF_INET : AF_INET6,
      SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
      0,
    );
    if (fd < 0) throw new SocketError("socket", errno());
    const socket = new UdpSocket(family, fd);
    try {
      if (family === 6) socket.#option(IPPROTO_IPV6, IPV6_V6ONLY, int32(1), "IPV6_V6ONLY");
      if (options.reuseAddress) socket.#option(SOL_SOCKET, SO_REUSEADDR, int32(1), "SO_REUSEADDR");
      if (options.receiveBufferBytes !== undefined) {
        socket.#option(SOL_SOCKET, SO_RCVBUF, int32(options.receiveBufferBytes), "SO_RCVBUF");
      }
      if (family === 4) {
        socket.#option(IPPROTO_IP, IP_RECVTOS, int32(1), "IP_RECVTOS");
        socket.#option(IPPROTO_IP, IP_RECVTTL, int32(1), "IP_RECVTTL");
      } else {
        socket.#option(IPPROTO_IPV6, IPV6_RECVTCLASS, int32(1), "IPV6_RECVTCLASS");
        socket.#option(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, int32(1), "IPV6_RECVHOPLIMIT");
      }
      const local = new SendTarget({
        family,
        address: options.bind?.address ?? (family === 4 ? "0.0.0.0" : "::"),
        port: options.bind?.port ?? 0,
      });
      if (c.bind(fd, local.sockaddr, local.length) !== 0) {
        throw new SocketError("bind", errno(), `${local.address.address}:${local.address.port}`);
      }
    } catch (error) {
      socket.close();
      throw error;
    }
    return socket;
  }

  #check(): number {
    if (this.#fd < 0) throw new Deno.errors.BadResource("The UDP socket is closed");
    return this.#fd;
  }

  #option(level: number, name: number, value: Uint8Array, what: string): void {
    if (libc().setsockopt(this.#check(), level, name, value, value.length) !== 0) {
      throw new SocketError("setsockopt", errno(), what);
    }
  }

  /** The bound local address and port. */
  get local(): SocketAddress {
    const name = new Uint8Array(SOCKADDR_STORAGE_BYTES);
    const len = new Uint32Array([SOCKADDR_STORAGE_BYTES]);
    if (libc().getsockname(this.#check(), name, new Uint8Array(len.buffer)) !== 0) {
      throw new SocketError("getsockname", errno());
    }
    return decodeSockaddr(name)!;
  }

  /**
   * The whole IP TOS byte (IPv4) or traffic class (IPv6) of every packet
   * sent: a DSCP goes in its upper six bits (`dscp << 2`).
   */
  setTrafficClass(tos: number): void {
    if (!Number.isInteger(tos) || tos < 0 || tos > 255) {
      throw new RangeError(`A TOS byte must be 0 to 255, got ${tos}`);
    }
    if (this.family === 4) this.#option(IPPROTO_IP, IP_TOS, int32(tos), "IP_TOS");
    else this.#option(IPPROTO_IPV6, IPV6_TCLASS, int32(tos), "IPV6_TCLASS");
  }

  /** Time to live (IPv4) or hop limit (IPv6) of multicast packets. */
  setMulticastTtl(ttl: number): void {
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > 255) {
      throw new RangeError(`A multicast TTL must be 0 to 255, got ${ttl}`);
    }
    if (this.family === 4) {
      this.#option(IPPROTO_IP, IP_MULTICAST_TTL, int32(ttl), "IP_MULTICAST_TTL");
    } else this.#option(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, int32(ttl), "IPV6_MULTICAST_HOPS");
  }

  /** Whether this host's own members of a group get what this socket sends to it (default yes). */
  setMulticastLoop(on: boolean): void {
    if (this.family === 4) {
      this.#option(IPPROTO_IP, IP_MULTICAST_LOOP, int32(on ? 1 : 0), "IP_MULTICAST_LOOP");
    } else {
      this.#option(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, int32(on ? 1 : 0), "IPV6_MULTICAST_LOOP");
    }
  }

  /** The network interface (by name: "eth0", "lo") that multicast packets leave by. */
  setMulticastInterface(name: string): void {
    const index = interfaceIndex(name);
    if (this.family === 4) {
      const mreqn = new Uint8Array(IP_MREQN_BYTES);
      new DataView(mreqn.buffer).setInt32(IMR_IFINDEX, index, true);
      this.#option(IPPROTO_IP, IP_MULTICAST_IF, mreqn, `IP_MULTICAST_IF ${name}`);
    } else {
      this.#option(IPPROTO_IPV6, IPV6_MULTICAST_IF, int32(index), `IPV6_MULTICAST_IF ${name}`);
    }
  }

  /** Joins a multicast group, on the named interface or the one the kernel picks. */
  joinGroup(group: string, interfaceName?: string): void {
    const index = interfaceName === undefined ? 0 : interfaceIndex(interfaceName);
    if (this.family === 4) {
      const mreqn = new Uint8Array(IP_MREQN_BYTES);
      mreqn.set(ipv4Bytes(group), 0);
      new DataView(mreqn.buffer).setInt32(IMR_IFINDEX, index, true);
      this.#option(IPPROTO_IP, IP_ADD_MEMBERSHIP, mreqn, `IP_ADD_MEMBERSHIP ${group}`);
    } else {
      const mreq = new Uint8Array(IPV6_MREQ_BYTES);
      mreq.set(ipv6Bytes(group), 0);
      new DataView(mreq.buffer).setUint32(IPV6MR_INTERFACE, index, true);
      this.#option(IPPROTO_IPV6, IPV6_JOIN_GROUP, mreq, `IPV6_JOIN_GROUP ${group}`);
    }
  }

  /** Encodes a destination of this socket's family once, for {@linkcode send}. */
  target(address: string, port: number): SendTarget {
    const family = familyOf(address);
    if (family !== this.family) {
      throw new TypeError(`An IPv${this.family} socket cannot send to "${address}"`);
    }
    return new SendTarget({ family, address, port });
  }

  /**
   * Fixes the socket's peer (connect(2) on UDP sends nothing). Afterwards
   * `send` without a target goes there, and the kernel reports what the
   * network answered about earlier datagrams — an ICMP port unreachable
   * becomes ECONNREFUSED, host unreachable EHOSTUNREACH — on the next send,
   * which an unconnected socket never hears of. Throws
   * {@linkcode SocketError} when there is no route to `to` (ENETUNREACH).
   */
  connect(to: SendTarget): void {
    if (to.address.family !== this.family) {
      throw new TypeError(`An IPv${this.family} socket cannot connect to "${to.address.address}"`);
    }
    if (libc().connect(this.#check(), to.sockaddr, to.length) !== 0) {
      throw new SocketError("connect", errno(), `${to.address.address}:${to.address.port}`);
    }
  }

  /**
   * Sends `bytes[0, length)` as one datagram, to `to` or (without it) to the
   * connected peer. Returns 0, or the errno when the kernel refused it
   * (EAGAIN: the send buffer is full; ECONNREFUSED on a connected socket:
   * the peer's port was closed). Never blocks, never throws for a network
   * condition.
   */
  send(bytes: Uint8Array, length: number, to?: SendTarget): number {
    if (length > bytes.length) {
      throw new RangeError(`Cannot send ${length} bytes of a ${bytes.length}-byte buffer`);
    }
    const size = usize(length);
    const sent = to === undefined
      ? libc().sendto(this.#check(), bytes, size, 0, null, 0)
      : libc().sendto(this.#check(), bytes, size, 0, to.sockaddr, to.length);
    if (sent >= 0) return 0;
    return errno();
  }

  /**
   * Takes one waiting datagram into `into`; returns its length, or -1 when
   * none is waiting. A datagram longer than `into` is cut short. Afterwards
   * {@linkcode tos}, {@linkcode ttl} and {@linkcode sender} describe it.
   */
  receive(into: Uint8Array): number {
    return this.#reader.read(this.#check(), into);
  }

  /** The TOS byte / traffic class of the last datagram received (-1 if unknown). */
  get tos(): number {
    return this.#reader.tos;
  }

  /** The TTL (IPv4) or hop limit (IPv6) of the last datagram received (-1 if unknown). */
  get ttl(): number {
    return this.#reader.ttl;
  }

  /** Who sent the last datagram received. */
  sender(): SocketAddress {
    return this.#reader.sender();
  }

  /**
   * Waits up to `timeoutMs` for a datagram, without blocking the event loop.
   * True when one is waiting. One wait at a time.
   */
  async readable(timeoutMs: number): Promise<boolean> {
    const fd = this.#check();
    if (this.#polling !== undefined) throw new TypeError("readable() is already waiting");
    const v = new DataView(this.#pollfd.buffer);
    v.setInt32(0, fd, true);
    v.setInt16(4, POLLIN, true);
    v.setInt16(6, 0, true);
    this.#polling = libc().poll(this.#pollfd, 1n, Math.max(0, Math.floor(timeoutMs)));
    try {
      return (await this.#polling) > 0 && (v.getInt16(6, true) & POLLIN) !== 0;
    } finally {
      this.#polling = undefined;
      if (this.#closing) this.#close();
    }
  }

  /** Closes the socket; a `readable()` in flight finishes first. A second close does nothing. */
  close(): void {
    if (this.#fd < 0) return;
    if (this.#polling !== undefined) this.#closing = true;
    else this.#close();
  }

  #close(): void {
    if (this.#fd >= 0) libc().close(this.#fd);
    this.#fd = -1;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
