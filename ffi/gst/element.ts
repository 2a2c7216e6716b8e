import { GstError } from "./errors.ts";
import { Handle } from "./_handle.ts";
import { lib } from "./_lib.ts";
import {
  CLOCK_TIME_NONE,
  PARAM_READABLE,
  PARAM_SPEC_FLAGS,
  PARAM_SPEC_VALUE_TYPE,
  PARAM_WRITABLE,
  TYPE_INSTANCE_CLASS,
} from "./_layout.ts";
import { readValue, scratchValue, typeName, type Value, writeValue } from "./_gvalue.ts";
import { cstr, objectName } from "./_strings.ts";

export type { Value };

const PARAM_CONSTRUCT_ONLY = 8;

/** Options for {@linkcode Element.forceKeyUnit}. */
export interface ForceKeyUnitOptions {
  /** Ask the encoder to repeat its headers (SPS/PPS) with the keyframe. Default true. */
  allHeaders?: boolean;
}

/**
 * One GStreamer element, holding its own reference. Properties are read and
 * written by name; the property's type comes from GStreamer, so callers pass
 * plain JS values. Obtain elements from a {@linkcode Pipeline}; disposing the
 * pipeline disposes them too.
 */
export class Element {
  #handle: Handle;
  /** The element's name in its pipeline, e.g. "enc". */
  readonly name: string;
  /** The factory that made it, e.g. "x264enc". */
  readonly factoryName: string;

  /** @internal Wraps an owned reference; use {@linkcode Pipeline.element}. */
  constructor(handle: Handle) {
    this.#handle = handle;
    const pointer = handle.pointer;
    this.name = objectName(pointer);
    const factory = lib().gst_element_get_factory(pointer);
    this.factoryName = factory === null ? "" : objectName(factory);
  }

  /** True once disposed (directly or with its pipeline). */
  get disposed(): boolean {
    return this.#handle.disposed;
  }

  /**
   * Reads a property. Returns number (8/32-bit integers, float, double),
   * bigint (64-bit integers), boolean, string or null (strings), the nick
   * (enums), or GStreamer's text form (flags, caps, fractions).
   */
  get(property: string): Value {
    const g = lib();
    const pointer = this.#handle.pointer;
    const spec = this.#spec(property, PARAM_READABLE, "readable");
    const value = scratchValue(spec.type);
    try {
      g.g_object_get_property(pointer, cstr(property), value);
      return readValue(value);
    } finally {
      g.g_value_unset(value);
    }
  }

  /** Reads a numeric property (any integer or float type) as a number. */
  getNumber(property: string): number {
    const v = this.get(property);
    if (typeof v === "number") return v;
    if (typeof v === "bigint") return Number(v);
    throw new TypeError(`Property "${property}" of ${this.#handle.what} is not a number`);
  }

  /** Reads a string property, or the text form of an enum, flags or boxed property. */
  getString(property: string): string | null {
    const v = this.get(property);
    if (typeof v === "string" || v === null) return v;
    throw new TypeError(`Property "${property}" of ${this.#handle.what} is not a string`);
  }

  /** Reads a boolean property. */
  getBoolean(property: string): boolean {
    const v = this.get(property);
    if (typeof v === "boolean") return v;
    throw new TypeError(`Property "${property}" of ${this.#handle.what} is not a boolean`);
  }

  /**
   * Writes a property. Numbers and bigints must fit the property's C type and
   * its declared range (RangeError otherwise); strings are parsed by
   * GStreamer for non-string properties ("ultrafast", "zerolatency",
   * "video/x-raw,width=640").
   */
  set(property: string, value: Value): void {
    const g = lib();
    const pointer = this.#handle.pointer;
    const spec = this.#spec(property, PARAM_WRITABLE, "writable");
    if ((spec.flags & PARAM_CONSTRUCT_ONLY) !== 0) {
      throw new TypeError(
        `Property "${property}" of ${this.#handle.what} can only be set at construction`,
      );
    }
    const what = `property "${property}" of ${this.#handle.what}`;
    const gvalue = scratchValue(spec.type);
    try {
      writeValue(gvalue, value, what);
      if (g.g_param_value_validate(spec.pointer, gvalue) !== 0) {
        throw new RangeError(
          `Value ${
            typeof value === "string" ? JSON.stringify(value) : String(value)
          } is out of range for ${what} (${typeName(spec.type)})`,
        );
      }
      g.g_object_set_property(pointer, cstr(property), gvalue);
    } finally {
      g.g_value_unset(gvalue);
    }
  }

  /**
   * Tells a video sink (one that implements GstVideoOverlay, such as
   * ximagesink) to draw into an existing window instead of opening its own:
   * `window` is the X11 window id (see ffi/x11). TypeError for other elements.
   */
  setWindowHandle(window: bigint): void {
    const g = lib();
    const pointer = this.#handle.pointer;
    if (g.g_type_check_instance_is_a(pointer, g.gst_video_overlay_get_type()) === 0) {
      throw new TypeError(`The ${this.#handle.what} cannot draw into a window`);
    }
    g.gst_video_overlay_set_window_handle(pointer, window);
  }

  /**
   * Asks this element (an encoder) for a keyframe as soon as possible, by
   * sending an upstream force-key-unit event into its "src" pad. Throws
   * GstError when the element does not accept it (for example when the
   * pipeline is not running).
   */
  forceKeyUnit(options: ForceKeyUnitOptions = {}): void {
    const g = lib();
    const pointer = this.#handle.pointer;
    const pad = g.gst_element_get_static_pad(pointer, cstr("src"));
    if (pad === null) throw new TypeError(`The ${this.#handle.what} has no "src" pad`);
    const event = g.gst_video_event_new_upstream_force_key_unit(
      CLOCK_TIME_NONE,
      options.allHeaders === false ? 0 : 1,
      0,
    );
    const accepted = event !== null && g.gst_pad_send_event(pad, event) !== 0;
    g.gst_object_unref(pad);
    if (!accepted) {
      throw new GstError(`The ${this.#handle.what} did not accept a force-key-unit event`, {
        element: this.name,
      });
    }
  }

  /** Releases the reference; later calls do nothing. */
  [Symbol.dispose](): void {
    this.#handle.dispose();
  }

  #spec(property: string, access: number, adjective: string) {
    const pointer = this.#handle.pointer;
    const klass = new Deno.UnsafePointerView(pointer).getPointer(TYPE_INSTANCE_CLASS);
    const spec = lib().g_object_class_find_property(klass, cstr(property));
    if (spec === null) {
      throw new TypeError(`The ${this.#handle.what} has no property "${property}"`);
    }
    const view = new Deno.UnsafePointerView(spec);
    const flags = view.getUint32(PARAM_SPEC_FLAGS);
    if ((flags & access) === 0) {
      throw new TypeError(`Property "${property}" of ${this.#handle.what} is not ${adjective}`);
    }
    return { pointer: spec, flags, type: view.getBigUint64(PARAM_SPEC_VALUE_TYPE) };
  }
}

/** Wraps an owned (non-floating) element reference. */
export function adoptElement(pointer: Deno.PointerObject): Element {
  return new Element(elementHandle(pointer));
}

/** A handle that unrefs a GstObject, described by its name. */
export function elementHandle(pointer: Deno.PointerObject): Handle {
  return new Handle(pointer, (p) => lib().gst_object_unref(p), `element "${objectName(pointer)}"`);
}
