// IPv4/IPv6 text ↔ sockaddr_in/sockaddr_in6 bytes. Pure.
import { isIPv4, isIPv6 } from "node:net";
import {
  AF_INET,
  AF_INET6,
  SIN6_ADDR,
  SIN6_SCOPE_ID,
  SOCKADDR_IN6_BYTES,
  SOCKADDR_IN_BYTES,
} from "./_layout.ts";

/** An IP address with a port. */
export interface SocketAddress {
  family: 4 | 6;
  address: string;
  port: number;
}

export function familyOf(address: string): 4 | 6 {
  if (isIPv4(address)) return 4;
  if (isIPv6(address)) return 6;
  throw new TypeError(`"${address}" is not an IPv4 or IPv6 address`);
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`A port must be 0 to 65535, got ${port}`);
  }
}

export function ipv4Bytes(address: string): Uint8Array {
  if (!isIPv4(address)) throw new TypeError(`"${address}" is not an IPv4 address`);
  return Uint8Array.from(address.split(".").map(Number));
}

export function ipv6Bytes(address: string): Uint8Array {
  if (!isIPv6(address)) throw new TypeError(`"${address}" is not an IPv6 address`);
  if (address.includes("%")) {
    throw new TypeError(`IPv6 zone indexes are not supported: "${address}"`);
  }
  // An embedded IPv4 address (::ffff:1.2.3.4) becomes its two 16-bit groups.
  const text = address.replace(
    /(\d+)\.(\d+)\.(\d+)\.(\d+)$/,
    (_, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`,
  );
  const [head, rest] = text.includes("::") ? text.split("::") : [text, undefined];
  const parse = (s: string) => s === "" ? [] : s.split(":").map((g) => parseInt(g, 16));
  const front = parse(head);
  const back = rest === undefined ? [] : parse(rest);
  const groups = [...front];
  const missing = 8 - front.length - back.length;
  for (let i = 0; i < missing; i++) groups.push(0);
  groups.push(...back);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

function ipv6Text(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  // RFC 5952: compress the longest run of two or more zero groups, the first if tied.
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(":");
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

/** Writes `address`'s sockaddr into `out` (zeroed first); returns its length. */
export function encodeSockaddr(address: SocketAddress, out: Uint8Array): number {
  checkPort(address.port);
  out.fill(0);
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  v.setUint16(2, address.port, false);
  if (address.family === 4) {
    v.setUint16(0, AF_INET, true);
    out.set(ipv4Bytes(address.address), 4);
    return SOCKADDR_IN_BYTES;
  }
  v.setUint16(0, AF_INET6, true);
  out.set(ipv6Bytes(address.address), SIN6_ADDR);
  v.setUint32(SIN6_SCOPE_ID, 0, true);
  return SOCKADDR_IN6_BYTES;
}

/** Reads a sockaddr_in or sockaddr_in6; null for any other family. */
export function decodeSockaddr(bytes: Uint8Array): SocketAddress | null {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const family = v.getUint16(0, true);
  const port = v.getUint16(2, false);
  if (family === AF_INET) return { family: 4, address: bytes.subarray(4, 8).join("."), port };
  if (family === AF_INET6) {
    return { family: 6, address: ipv6Text(bytes.subarray(SIN6_ADDR, SIN6_ADDR + 16)), port };
  }
  return null;
}
