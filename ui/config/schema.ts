/**
 * A small validator for parsed TOML: each checker turns an unknown value at
 * a key path into a typed one, or records an issue naming the path. Tables
 * refuse keys they do not know, so a typo is an error, not a silent default.
 *
 * @module
 */

/** One problem in a config, at a key path such as `camera[0].rtp[1].port`. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** Collects issues while a config is checked. */
export class Issues {
  readonly list: ConfigIssue[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

/** A checker returns the value, or undefined after recording an issue. */
export type Checker<T> = (value: unknown, path: string, issues: Issues) => T | undefined;

type Table = Record<string, unknown>;

export function isTable(v: unknown): v is Table {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (v instanceof Date) return "a date";
  if (v === null) return "null";
  if (typeof v === "object") return "a table";
  if (typeof v === "number" || typeof v === "bigint") {
    return Number.isInteger(Number(v)) ? "an integer" : "a float";
  }
  return `a ${typeof v}`;
}

function show(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

export function str(
  options: { pattern?: RegExp; oneOf?: readonly string[]; maxLength?: number; hint?: string } = {},
): Checker<string> {
  const max = options.maxLength ?? 4096;
  return (v, path, issues) => {
    if (typeof v !== "string") return void issues.add(path, `must be a string, got ${typeName(v)}`);
    if (v.length > max) return void issues.add(path, `must be at most ${max} characters`);
    if (options.oneOf !== undefined && !options.oneOf.includes(v)) {
      return void issues.add(
        path,
        `must be one of ${options.oneOf.map(show).join(", ")}; got ${show(v)}`,
      );
    }
    if (options.pattern !== undefined && !options.pattern.test(v)) {
      return void issues.add(
        path,
        `${show(v)} is not valid${options.hint ? `: ${options.hint}` : ""}`,
      );
    }
    return v;
  };
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === "bigint") return Number(v);
  return typeof v === "number" ? v : undefined;
}

export function int(options: { min?: number; max?: number } = {}): Checker<number> {
  return (v, path, issues) => {
    const n = numberOf(v);
    if (n === undefined || !Number.isInteger(n)) {
      return void issues.add(
        path,
        `must be an integer, got ${typeName(v)}${typeof v === "number" ? ` ${v}` : ""}`,
      );
    }
    return inRange(n, options, path, issues);
  };
}

export function num(options: { min?: number; max?: number } = {}): Checker<number> {
  return (v, path, issues) => {
    const n = numberOf(v);
    if (n === undefined || !Number.isFinite(n)) {
      return void issues.add(path, `must be a number, got ${typeName(v)}`);
    }
    return inRange(n, options, path, issues);
  };
}

function inRange(n: number, o: { min?: number; max?: number }, path: string, issues: Issues) {
  if ((o.min !== undefined && n < o.min) || (o.max !== undefined && n > o.max)) {
    const range = o.max === undefined
      ? `≥ ${o.min}`
      : o.min === undefined
      ? `≤ ${o.max}`
      : `${o.min} to ${o.max}`;
    return void issues.add(path, `must be ${range}, got ${n}`);
  }
  return n;
}

export const bool: Checker<boolean> = (v, path, issues) => {
  if (typeof v !== "boolean") {
    return void issues.add(path, `must be true or false, got ${typeName(v)}`);
  }
  return v;
};

export function arr<T>(of: Checker<T>, options: { max?: number } = {}): Checker<T[]> {
  const max = options.max ?? 1024;
  return (v, path, issues) => {
    if (!Array.isArray(v)) return void issues.add(path, `must be an array, got ${typeName(v)}`);
    if (v.length > max) {
      return void issues.add(path, `must have at most ${max} entries, got ${v.length}`);
    }
    const out: T[] = [];
    let ok = true;
    v.forEach((item, i) => {
      const r = of(item, `${path}[${i}]`, issues);
      if (r === undefined) ok = false;
      else out.push(r);
    });
    return ok ? out : undefined;
  };
}

/** A value checked by a function that throws TypeError/RangeError with its reason. */
export function custom<T>(check: (v: unknown) => T): Checker<T> {
  return (v, path, issues) => {
    try {
      return check(v);
    } catch (e) {
      return void issues.add(path, e instanceof Error ? lowerFirst(e.message) : String(e));
    }
  };
}

function lowerFirst(s: string): string {
  return s.length > 0 && /[A-Z][a-z]/.test(s.slice(0, 2)) ? s[0].toLowerCase() + s.slice(1) : s;
}

/** Field checkers of a table, each with its default (a value, or a function of the table so far). */
export type Fields<T> = { [K in keyof T]: [Checker<T[K]>, T[K] | ((t: Partial<T>) => T[K])] };

/** What {@linkcode tableParts} made of a table: every field that is usable, and whether all are. */
export interface Parts<T> {
  /** Valid and defaulted fields; a bad field (or a default that needed one) is absent. */
  value: Partial<T>;
  ok: boolean;
}

/**
 * Checks a table like {@linkcode table}, but also gives back the fields that
 * passed when others did not, so checks across fields still run on them:
 * every problem of a file is reported at once, not the first of each table.
 * Undefined when the value is not a table at all.
 */
export function tableParts<T>(fields: Fields<T>): Checker<Parts<T>> {
  return (v, path, issues) => {
    const t: Table = v === undefined ? {} : (v as Table);
    if (!isTable(t)) return void issues.add(path, `must be a table, got ${typeName(v)}`);
    const at = (k: string) => (path === "" ? k : `${path}.${k}`);
    for (const k of Object.keys(t)) {
      if (!(k in fields)) {
        issues.add(at(k), `unknown key (known: ${Object.keys(fields).join(", ")})`);
      }
    }
    const out: Partial<T> = {};
    let ok = true;
    for (const k of Object.keys(fields) as (keyof T & string)[]) {
      const [check, dflt] = fields[k];
      if (t[k] === undefined) {
        const d = typeof dflt === "function" ? (dflt as (t: Partial<T>) => T[typeof k])(out) : dflt;
        // A default computed from a bad field is no value either.
        if (d !== undefined && !(typeof d === "number" && Number.isNaN(d))) out[k] = d;
        continue;
      }
      const r = check(t[k], at(k), issues);
      if (r === undefined) ok = false;
      else out[k] = r;
    }
    return { value: out, ok };
  };
}

/**
 * Checks a table: every key known, every value checked, defaults filled in
 * order (a function default sees the fields before it).
 */
export function table<T>(fields: Fields<T>): Checker<T> {
  const parts = tableParts(fields);
  return (v, path, issues) => {
    const p = parts(v, path, issues);
    return p?.ok ? (p.value as T) : undefined;
  };
}

/** Whether every one of `keys` has a usable value in `t`. */
export function has<T, K extends keyof T>(
  t: Partial<T>,
  ...keys: K[]
): t is Partial<T> & Pick<T, K> {
  return keys.every((k) => t[k] !== undefined);
}
