// GValue conversions. GValues that the bindings fill themselves live in one
// scratch buffer per realm: every call that uses it is synchronous, so it is
// never shared between two calls in flight.
import { lib } from "./_lib.ts";
import {
  ENUM_VALUE_NICK,
  FLAGS_VALUE_NICK,
  FLAGS_VALUE_VALUE,
  GVALUE_SIZE,
  GVALUE_TYPE,
  TYPE_BOOLEAN,
  TYPE_BOXED,
  TYPE_CHAR,
  TYPE_DOUBLE,
  TYPE_ENUM,
  TYPE_FLAGS,
  TYPE_FLOAT,
  TYPE_INT,
  TYPE_INT64,
  TYPE_LONG,
  TYPE_STRING,
  TYPE_UCHAR,
  TYPE_UINT,
  TYPE_UINT64,
  TYPE_ULONG,
} from "./_layout.ts";
import { borrowString, cstr, takeString } from "./_strings.ts";

/**
 * A property or structure field value: numbers for 8/32-bit integers, floats
 * and doubles; bigint for 64-bit integers; the nick for enums; GStreamer's
 * serialisation for flags and other types ("zerolatency", "30/1").
 */
export type Value = string | number | bigint | boolean | null;

const SCRATCH = new Uint8Array(new ArrayBuffer(GVALUE_SIZE));
let scratchPointer: Deno.PointerObject | undefined;

/** A zeroed GValue initialised to `type`; g_value_unset it when done. */
export function scratchValue(type: bigint): Deno.PointerObject {
  scratchPointer ??= Deno.UnsafePointer.of(SCRATCH)!;
  SCRATCH.fill(0);
  lib().g_value_init(scratchPointer, type);
  return scratchPointer;
}

/** The GType of a GValue. */
export function valueType(value: Deno.PointerObject): bigint {
  return new Deno.UnsafePointerView(value).getBigUint64(GVALUE_TYPE);
}

/** The name of a GType, for messages. */
export function typeName(type: bigint): string {
  return borrowString(lib().g_type_name(type)) ?? `GType ${type}`;
}

/** Reads a GValue into a JS value; throws TypeError for types it cannot show. */
export function readValue(value: Deno.PointerObject): Value {
  const g = lib();
  const type = valueType(value);
  switch (g.g_type_fundamental(type)) {
    case TYPE_BOOLEAN:
      return g.g_value_get_boolean(value) !== 0;
    case TYPE_CHAR:
      return g.g_value_get_schar(value);
    case TYPE_UCHAR:
      return g.g_value_get_uchar(value);
    case TYPE_INT:
      return g.g_value_get_int(value);
    case TYPE_UINT:
      return g.g_value_get_uint(value);
    case TYPE_LONG:
      return g.g_value_get_long(value);
    case TYPE_ULONG:
      return g.g_value_get_ulong(value);
    case TYPE_INT64:
      return g.g_value_get_int64(value);
    case TYPE_UINT64:
      return g.g_value_get_uint64(value);
    case TYPE_FLOAT:
      return g.g_value_get_float(value);
    case TYPE_DOUBLE:
      return g.g_value_get_double(value);
    case TYPE_STRING:
      return borrowString(g.g_value_get_string(value));
    case TYPE_ENUM:
      return enumNick(type, g.g_value_get_enum(value));
    case TYPE_FLAGS:
      return flagsNicks(type, g.g_value_get_flags(value));
    case TYPE_BOXED: {
      const boxed = g.g_value_get_boxed(value);
      if (boxed === null) return null; // unset caps, structures
      // gst_value_serialize quotes and escapes caps: use their own printers.
      if (type === g.gst_caps_get_type()) return takeString(g.gst_caps_to_string(boxed));
      if (type === g.gst_structure_get_type()) {
        return takeString(g.gst_structure_to_string(boxed));
      }
      return serialize(value, type);
    }
    default:
      return serialize(value, type);
  }
}

function serialize(value: Deno.PointerObject, type: bigint): string {
  const text = takeString(lib().gst_value_serialize(value));
  if (text === null) throw new TypeError(`Cannot read a value of type "${typeName(type)}"`);
  return text;
}

function enumNick(type: bigint, n: number): string | number {
  const g = lib();
  const klass = g.g_type_class_ref(type);
  if (klass === null) return n;
  const entry = g.g_enum_get_value(klass, n);
  const nick = entry === null
    ? null
    : borrowString(new Deno.UnsafePointerView(entry).getPointer(ENUM_VALUE_NICK));
  g.g_type_class_unref(klass);
  return nick ?? n;
}

/** Flags as their nicks joined with "+" ("zerolatency+fastdecode"), as GStreamer parses them. */
function flagsNicks(type: bigint, bits: number): string {
  const g = lib();
  const klass = g.g_type_class_ref(type);
  if (klass === null) return String(bits);
  const nicks: string[] = [];
  let left = bits;
  do {
    const entry = g.g_flags_get_first_value(klass, left);
    if (entry === null) break;
    const view = new Deno.UnsafePointerView(entry);
    nicks.push(borrowString(view.getPointer(FLAGS_VALUE_NICK)) ?? "");
    const value = view.getUint32(FLAGS_VALUE_VALUE);
    if (value === 0) break;
    left = (left & ~value) >>> 0;
  } while (left !== 0);
  g.g_type_class_unref(klass);
  if (left !== 0) nicks.push(`0x${left.toString(16)}`);
  return nicks.join("+");
}

const INT_RANGES = new Map<bigint, readonly [number, number]>([
  [TYPE_CHAR, [-128, 127]],
  [TYPE_UCHAR, [0, 255]],
  [TYPE_INT, [-(2 ** 31), 2 ** 31 - 1]],
  [TYPE_UINT, [0, 2 ** 32 - 1]],
  [TYPE_ENUM, [-(2 ** 31), 2 ** 31 - 1]],
  [TYPE_FLAGS, [0, 2 ** 32 - 1]],
]);
const BIG_RANGES = new Map<bigint, readonly [bigint, bigint]>([
  [TYPE_LONG, [-(2n ** 63n), 2n ** 63n - 1n]],
  [TYPE_INT64, [-(2n ** 63n), 2n ** 63n - 1n]],
  [TYPE_ULONG, [0n, 2n ** 64n - 1n]],
  [TYPE_UINT64, [0n, 2n ** 64n - 1n]],
]);

/**
 * Stores `input` in `value`, a GValue already initialised to its type.
 * Strings convert to any type GStreamer can deserialise (enum nicks, flags
 * "a+b", caps); numbers and bigints must fit the C type. `what` names the
 * destination in error messages.
 */
export function writeValue(value: Deno.PointerObject, input: Value, what: string): void {
  const g = lib();
  const type = valueType(value);
  const fundamental = g.g_type_fundamental(type);
  const mismatch = () =>
    new TypeError(
      `Cannot set ${what} of type "${typeName(type)}" to ${show(input)} (a ${typeof input})`,
    );
  if (typeof input === "string" || input === null) {
    if (fundamental === TYPE_STRING) {
      g.g_value_set_string(value, input === null ? null : cstr(input));
    } else if (input === null || g.gst_value_deserialize(value, cstr(input)) === 0) {
      throw mismatch();
    }
    return;
  }
  if (typeof input === "boolean") {
    if (fundamental !== TYPE_BOOLEAN) throw mismatch();
    g.g_value_set_boolean(value, input ? 1 : 0);
    return;
  }
  if (fundamental === TYPE_FLOAT || fundamental === TYPE_DOUBLE) {
    const n = Number(input);
    if (fundamental === TYPE_FLOAT) g.g_value_set_float(value, n);
    else g.g_value_set_double(value, n);
    return;
  }
  const small = INT_RANGES.get(fundamental);
  if (small !== undefined) {
    const n = Number(input);
    if (!Number.isInteger(n) || (typeof input === "bigint" && BigInt(n) !== input)) {
      throw mismatch();
    }
    if (n < small[0] || n > small[1]) {
      throw new RangeError(`Value ${show(input)} is out of range for ${what}`);
    }
    setSmall(value, fundamental, n);
    return;
  }
  const big = BIG_RANGES.get(fundamental);
  if (big === undefined) throw mismatch();
  if (typeof input === "number" && !Number.isInteger(input)) throw mismatch();
  const b = BigInt(input);
  if (b < big[0] || b > big[1]) {
    throw new RangeError(`Value ${show(input)} is out of range for ${what}`);
  }
  if (fundamental === TYPE_LONG) g.g_value_set_long(value, b);
  else if (fundamental === TYPE_ULONG) g.g_value_set_ulong(value, b);
  else if (fundamental === TYPE_INT64) g.g_value_set_int64(value, b);
  else g.g_value_set_uint64(value, b);
}

function setSmall(value: Deno.PointerObject, fundamental: bigint, n: number): void {
  const g = lib();
  if (fundamental === TYPE_CHAR) g.g_value_set_schar(value, n);
  else if (fundamental === TYPE_UCHAR) g.g_value_set_uchar(value, n);
  else if (fundamental === TYPE_INT) g.g_value_set_int(value, n);
  else if (fundamental === TYPE_UINT) g.g_value_set_uint(value, n);
  else if (fundamental === TYPE_ENUM) g.g_value_set_enum(value, n);
  else g.g_value_set_flags(value, n);
}

function show(input: Value): string {
  return typeof input === "string" ? JSON.stringify(input) : String(input);
}
