/**
 * One datagram to a unix socket, as systemd's sd_notify() sends it:
 * socket(AF_UNIX, SOCK_DGRAM) + sendto() + close(), through libc. Deno's own
 * unix datagrams need --unstable-net and a bound path of our own (which
 * ProtectSystem=strict forbids), and cannot reach abstract sockets; node:dgram
 * has no unix sockets at all. No pointer leaves this file.
 *
 * @module
 */

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  sendto: {
    parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"],
    result: "isize",
  },
  close: { parameters: ["i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0x80000;
/** Never block on a full receiver, never raise SIGPIPE. */
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000;
/**
 * struct sockaddr_un on Linux: sa_family_t (u16, host order: little-endian
 * on x86_64 and aarch64) then sun_path[108].
 *
 *   0      2                                        110
 *   ┌──────┬────────────────────────────────────────┐
 *   │ 1    │ path bytes, NUL-terminated (or \0name) │
 *   └──────┴────────────────────────────────────────┘
 */
const SUN_PATH_OFFSET = 2;
const SUN_PATH_BYTES = 108;
/** Largest datagram sent. Reason: notify messages are a few hundred bytes; more is a bug. */
export const MAX_DATAGRAM_BYTES = 64 * 1024;

const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  11: "EAGAIN",
  13: "EACCES",
  91: "EPROTOTYPE",
  111: "ECONNREFUSED",
};

let libc: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] | undefined;

/**
 * Sends `payload` as one datagram to the unix socket at `path` (a leading
 * "@" names an abstract socket, as in $NOTIFY_SOCKET). Throws a RangeError
 * for a path or payload that cannot fit, and an Error naming errno when the
 * kernel refuses (no such socket, no permission, receiver full).
 */
export function sendUnixDatagram(path: string, payload: Uint8Array): void {
  if (payload.byteLength > MAX_DATAGRAM_BYTES) {
    throw new RangeError(`Datagram of ${payload.byteLength} bytes exceeds ${MAX_DATAGRAM_BYTES}`);
  }
  const { addr, length } = sockaddrUn(path);
  libc ??= Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  const fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new Error(`socket(AF_UNIX) failed: ${errno()}`);
  try {
    const sent = libc.sendto(
      fd,
      payload,
      BigInt(payload.byteLength),
      MSG_DONTWAIT | MSG_NOSIGNAL,
      addr,
      length,
    );
    if (Number(sent) < 0) throw new Error(`sendto(${JSON.stringify(path)}) failed: ${errno()}`);
  } finally {
    libc.close(fd);
  }
}

function sockaddrUn(path: string): { addr: Uint8Array; length: number } {
  const abstract = path.startsWith("@");
  const name = new TextEncoder().encode(abstract ? path.slice(1) : path);
  // A filesystem path needs room for its NUL; an abstract name follows a leading \0.
  const max = SUN_PATH_BYTES - 1;
  if (name.byteLength === 0 || name.byteLength > max || name.includes(0)) {
    throw new RangeError(`Unix socket path ${JSON.stringify(path)} must be 1 to ${max} bytes`);
  }
  const addr = new Uint8Array(SUN_PATH_OFFSET + SUN_PATH_BYTES);
  new DataView(addr.buffer).setUint16(0, AF_UNIX, true);
  addr.set(name, SUN_PATH_OFFSET + (abstract ? 1 : 0));
  const length = SUN_PATH_OFFSET + (abstract ? 1 + name.byteLength : name.byteLength + 1);
  return { addr, length };
}

function errno(): string {
  const at = libc!.__errno_location();
  const n = at === null ? 0 : new Deno.UnsafePointerView(at).getInt32();
  return `${ERRNO_NAMES[n] ?? "errno"} (${n})`;
}
