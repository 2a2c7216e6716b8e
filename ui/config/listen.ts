/**
 * Listen addresses: "host:port", "[v6]:port". Port 0 asks the system for a
 * free port (tests use it).
 *
 * @module
 */

export const LISTEN_PATTERN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

export interface ListenAddress {
  hostname: string;
  port: number;
}

/** Splits and checks a listen address; throws a RangeError or TypeError quoting it. */
export function parseListen(listen: string): ListenAddress {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(listen);
  if (m === null) throw new TypeError(`Listen address "${listen}" is not "host:port"`);
  const port = Number(m[3]);
  if (port > 65535) throw new RangeError(`port ${port} in "${listen}" is past 65535`);
  return { hostname: m[1] ?? m[2], port };
}

/** Whether a host is loopback (127.0.0.0/8, ::1, localhost): reachable only from this machine. */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
