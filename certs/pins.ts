import { exists, withLock, writeAtomic } from "./_fs.ts";
import { normalizeFingerprint } from "./fingerprint.ts";
import { certPaths, validateName } from "./layout.ts";

/** pins.json holds a few fingerprints per remote; anything near this size is not ours. */
const MAX_PINS_BYTES = 1 << 20;
const PINS_VERSION = 1;

/** Accepted SHA-256 certificate fingerprints per remote server name. */
export type Pins = Map<string, string[]>;

function parsePins(text: string, path: string): Pins {
  const bad = (why: string) => new SyntaxError(`Invalid pins file "${path}": ${why}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new SyntaxError(`Invalid pins file "${path}": not JSON`, { cause });
  }
  if (typeof data !== "object" || data === null || !("pins" in data) || !("version" in data)) {
    throw bad('expected {"version": 1, "pins": {...}}');
  }
  if (data.version !== PINS_VERSION) throw bad(`unknown version "${String(data.version)}"`);
  const pins: Pins = new Map();
  if (typeof data.pins !== "object" || data.pins === null) throw bad('"pins" is not an object');
  for (const [name, list] of Object.entries(data.pins)) {
    validateName(name);
    if (!Array.isArray(list)) throw bad(`the pins of "${name}" are not a list`);
    pins.set(name, list.map((fp) => normalizeFingerprint(String(fp))));
  }
  return pins;
}

/** Reads `<dir>/pins.json` (an absent file means no pins). */
export async function readPins(dir: string): Promise<Pins> {
  const path = certPaths(dir).pins;
  if (!await exists(path)) return new Map();
  const { size } = await Deno.stat(path);
  if (size > MAX_PINS_BYTES) {
    throw new RangeError(`The pins file "${path}" is ${size} bytes, over ${MAX_PINS_BYTES}`);
  }
  return parsePins(await Deno.readTextFile(path), path);
}

/**
 * Accepts `fingerprint` (SHA-256 of a remote server's certificate, any common
 * spelling) as a pin for the remote called `name`. A name may hold several
 * pins, so a remote can rotate: pin the new certificate, then the old one
 * expires. Returns false if it was already pinned.
 */
export async function acceptPin(
  dir: string,
  name: string,
  fingerprint: string,
): Promise<{ name: string; fingerprint256: string; added: boolean }> {
  validateName(name);
  const fingerprint256 = normalizeFingerprint(fingerprint);
  return await withLock(dir, async () => {
    const pins = await readPins(dir);
    const list = pins.get(name) ?? [];
    if (list.includes(fingerprint256)) return { name, fingerprint256, added: false };
    pins.set(name, [...list, fingerprint256]);
    const json = { version: PINS_VERSION, pins: Object.fromEntries(pins) };
    await writeAtomic(certPaths(dir).pins, `${JSON.stringify(json, null, 2)}\n`);
    return { name, fingerprint256, added: true };
  });
}
