// Option checks shared by the detector's constructors. They run once per
// configuration, never per frame.

/** Returns `value` when it is a finite number in [min, max]; throws otherwise. */
export function checkNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`Option "${name}" must be a finite number, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`Option "${name}" must be from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** Like {@linkcode checkNumber}, and the value must be an integer. */
export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  checkNumber(name, value, min, max);
  if (!Number.isInteger(value)) {
    throw new RangeError(`Option "${name}" must be an integer, got ${value}`);
  }
  return value as number;
}

/** A short, quoted rendering of a bad value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 60 ? value.slice(0, 60) + "…" : value);
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value}`;
}
