// Reading GstStructures (caps structures, message payloads, device
// properties) field by field. Fields may hold a fixed value, a list
// ("{ 30/1, 15/1 }") or a range ("[ 1, 1920 ]").
import { lib } from "./_lib.ts";
import { TYPE_INT, TYPE_STRING } from "./_layout.ts";
import { readValue, type Value, valueType } from "./_gvalue.ts";
import { borrowString, cstr } from "./_strings.ts";

/** A fraction such as a frame rate: 30/1, 30000/1001. */
export interface Fraction {
  num: number;
  den: number;
}

/** An inclusive integer range; min === max for a fixed value. */
export interface IntRange {
  min: number;
  max: number;
}

/** An inclusive frame-rate range. */
export interface FractionRange {
  min: Fraction;
  max: Fraction;
}

interface GstTypes {
  list: bigint;
  intRange: bigint;
  fraction: bigint;
  fractionRange: bigint;
}
let types: GstTypes | undefined;

function gstTypes(): GstTypes {
  const g = lib();
  return types ??= {
    list: g.gst_value_list_get_type(),
    intRange: g.gst_int_range_get_type(),
    fraction: g.gst_fraction_get_type(),
    fractionRange: g.gst_fraction_range_get_type(),
  };
}

/** The structure's name: "video/x-raw", "splitmuxsink-fragment-closed". */
export function structureName(structure: Deno.PointerObject): string {
  return borrowString(lib().gst_structure_get_name(structure)) ?? "";
}

/**
 * Every field of a structure that has a JS form (see Value). Fields holding
 * objects or pointers have none and are left out.
 */
export function structureFields(structure: Deno.PointerObject): Record<string, Value> {
  const g = lib();
  const fields: Record<string, Value> = {};
  const n = g.gst_structure_n_fields(structure);
  for (let i = 0; i < n; i++) {
    const name = borrowString(g.gst_structure_nth_field_name(structure, i));
    if (name === null) continue;
    const value = g.gst_structure_get_value(structure, cstr(name));
    if (value === null) continue;
    try {
      fields[name] = readValue(value);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
    }
  }
  return fields;
}

function field(structure: Deno.PointerObject, name: string): Deno.PointerObject | null {
  return lib().gst_structure_get_value(structure, cstr(name));
}

/** Each value of a field, unfolding a list. */
function eachValue(value: Deno.PointerObject): Deno.PointerObject[] {
  const g = lib();
  if (valueType(value) !== gstTypes().list) return [value];
  const out: Deno.PointerObject[] = [];
  const n = g.gst_value_list_get_size(value);
  for (let i = 0; i < n; i++) {
    const item = g.gst_value_list_get_value(value, i);
    if (item !== null) out.push(item);
  }
  return out;
}

/** An integer field (fixed, list or range) as the range it spans, or null. */
export function intField(structure: Deno.PointerObject, name: string): IntRange | null {
  const g = lib();
  const value = field(structure, name);
  if (value === null) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const v of eachValue(value)) {
    const type = valueType(v);
    if (type === TYPE_INT) {
      const n = g.g_value_get_int(v);
      min = Math.min(min, n);
      max = Math.max(max, n);
    } else if (type === gstTypes().intRange) {
      min = Math.min(min, g.gst_value_get_int_range_min(v));
      max = Math.max(max, g.gst_value_get_int_range_max(v));
    }
  }
  return min <= max ? { min, max } : null;
}

/** A string field (fixed or list) as its values; [] when absent. */
export function stringsField(structure: Deno.PointerObject, name: string): string[] {
  const value = field(structure, name);
  if (value === null) return [];
  const out: string[] = [];
  for (const v of eachValue(value)) {
    if (valueType(v) !== TYPE_STRING) continue;
    const s = borrowString(lib().g_value_get_string(v));
    if (s !== null) out.push(s);
  }
  return out;
}

function fraction(value: Deno.PointerObject): Fraction {
  const g = lib();
  return {
    num: g.gst_value_get_fraction_numerator(value),
    den: g.gst_value_get_fraction_denominator(value),
  };
}

/** A fraction field: its fixed or listed values, and its range if it is one. */
export function fractionsField(
  structure: Deno.PointerObject,
  name: string,
): { values: Fraction[]; range: FractionRange | null } {
  const g = lib();
  const value = field(structure, name);
  const values: Fraction[] = [];
  let range: FractionRange | null = null;
  if (value === null) return { values, range };
  const t = gstTypes();
  for (const v of eachValue(value)) {
    const type = valueType(v);
    if (type === t.fraction) values.push(fraction(v));
    else if (type === t.fractionRange) {
      const min = g.gst_value_get_fraction_range_min(v);
      const max = g.gst_value_get_fraction_range_max(v);
      if (min !== null && max !== null) range = { min: fraction(min), max: fraction(max) };
    }
  }
  return { values, range };
}
