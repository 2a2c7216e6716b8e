// The libc socket calls, loaded once per realm (each Worker dlopens libc
// itself; the dynamic loader shares the mapping). errno is thread-local and
// read right after the failing call, on the same thread, before any other
// call into C.

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // sendto and recvmsg return ssize_t; a datagram is < 2^31 bytes, so reading the
  // result as i32 (the low half of the return register) is exact, keeps -1 as -1,
  // and makes no bigint per packet.
  sendto: {
    parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"],
    result: "i32",
  },
  // Returns how many messages went out (an int).
  sendmmsg: { parameters: ["i32", "buffer", "u32", "i32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  // Waits on a thread of Deno's blocking pool, so the event loop keeps running.
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  close: { parameters: ["i32"], result: "i32" },
  if_nametoindex: { parameters: ["buffer"], result: "u32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

export type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let loaded: Libc | undefined;

export function libc(): Libc {
  return loaded ??= Deno.dlopen("libc.so.6", SYMBOLS).symbols;
}

/** errno of the last failed call on this thread. */
export function errno(): number {
  const at = libc().__errno_location();
  return at === null ? 0 : new Deno.UnsafePointerView(at).getInt32();
}

/** The address of a buffer's first byte, for the pointer fields of C structs. */
export function addressOf(bytes: ArrayBufferView): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes)));
}
