/**
 * A socket call that failed, with the C errno and its symbolic name.
 *
 * @module
 */

const NAMES: Readonly<Record<number, string>> = {
  1: "EPERM",
  4: "EINTR",
  9: "EBADF",
  11: "EAGAIN",
  12: "ENOMEM",
  13: "EACCES",
  19: "ENODEV",
  22: "EINVAL",
  90: "EMSGSIZE",
  93: "EPROTONOSUPPORT",
  97: "EAFNOSUPPORT",
  98: "EADDRINUSE",
  99: "EADDRNOTAVAIL",
  100: "ENETDOWN",
  101: "ENETUNREACH",
  105: "ENOBUFS",
  111: "ECONNREFUSED",
  112: "EHOSTDOWN",
  113: "EHOSTUNREACH",
};

const MESSAGES: Readonly<Record<number, string>> = {
  1: "Operation not permitted",
  11: "Resource temporarily unavailable",
  13: "Permission denied (a broadcast address?)",
  19: "No such device",
  22: "Invalid argument",
  90: "Message too long",
  97: "Address family not supported",
  98: "Address already in use",
  99: "Cannot assign requested address",
  100: "Network is down",
  101: "Network is unreachable",
  105: "No buffer space available",
  111: "Connection refused",
  112: "Host is down",
  113: "No route to host",
};

/** The symbolic name of an errno ("EACCES"), or "errno N" for one eyrie has no name for. */
export function errnoName(errno: number): string {
  return NAMES[errno] ?? `errno ${errno}`;
}

/** A failed socket call: `syscall` ("sendto"), `errno` (13) and `code` ("EACCES"). */
export class SocketError extends Error {
  override name = "SocketError";
  readonly syscall: string;
  readonly errno: number;
  readonly code: string;

  constructor(syscall: string, errno: number, detail = "") {
    const what = MESSAGES[errno] ?? "failed";
    super(`${syscall}${detail === "" ? "" : ` ${detail}`}: ${what} (${errnoName(errno)})`);
    this.syscall = syscall;
    this.errno = errno;
    this.code = errnoName(errno);
  }
}
