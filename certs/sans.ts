import { isIP } from "node:net";
import { hostname } from "node:os";

/** A subjectAltName entry: a DNS name or an IP address. */
export interface San {
  type: "dns" | "ip";
  value: string;
}

/** RFC 1035: a name is at most 253 characters, a label at most 63. */
const MAX_DNS_NAME = 253;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Parses one SAN (IPv4, IPv6 or DNS name, "*." allowed as the first label); throws a TypeError quoting it otherwise. */
export function parseSan(value: string): San {
  const text = value.trim();
  if (isIP(text)) return { type: "ip", value: text };
  const name = text.toLowerCase().replace(/\.$/, "");
  const labels = name.split(".");
  const wildcard = labels[0] === "*" && labels.length > 2;
  const valid = name.length > 0 && name.length <= MAX_DNS_NAME &&
    labels.every((label, i) => (wildcard && i === 0) || LABEL.test(label));
  if (!valid) {
    throw new TypeError(
      `Invalid subject alternative name "${value}": expected a DNS name or an IP`,
    );
  }
  return { type: "dns", value: name };
}

/**
 * The SANs a server certificate gets unless told otherwise: localhost,
 * 127.0.0.1, ::1, the host name and, for a single-label host name, its mDNS
 * form `<host>.local` (how a Raspberry Pi is usually reached on a LAN).
 */
export function defaultServerSans(host: string = hostname()): San[] {
  const sans: San[] = [
    { type: "dns", value: "localhost" },
    { type: "ip", value: "127.0.0.1" },
    { type: "ip", value: "::1" },
  ];
  try {
    const own = parseSan(host);
    sans.push(own);
    if (own.type === "dns" && !own.value.includes(".")) {
      sans.push({ type: "dns", value: `${own.value}.local` });
    }
  } catch {
    // A host name that is not a valid DNS name is simply not added.
  }
  return sans;
}

/** Removes repeated SANs, keeping the first of each. */
export function uniqueSans(sans: readonly San[]): San[] {
  const seen = new Set<string>();
  return sans.filter((san) => {
    const key = `${san.type}:${san.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Formats a SAN as openssl prints it: "DNS:localhost", "IP:127.0.0.1". */
export function formatSan(san: San): string {
  return `${san.type === "dns" ? "DNS" : "IP"}:${san.value}`;
}
