import { lib } from "./_lib.ts";
import { cstr, takeString } from "./_strings.ts";
import {
  type Fraction,
  type FractionRange,
  fractionsField,
  intField,
  type IntRange,
  stringsField,
  structureName,
} from "./_structure.ts";

export type { Fraction, FractionRange, IntRange };

/**
 * One structure of a caps set, with the fields a video pipeline cares
 * about. Fields may be fixed, listed or ranges, as devices report them.
 */
export interface CapsStructure {
  /** "video/x-raw", "image/jpeg", "video/x-h264". */
  media: string;
  /** Pixel formats ("I420", "YUY2"); [] when the caps do not say (encoded media). */
  formats: string[];
  width: IntRange | null;
  height: IntRange | null;
  /** Fixed or listed frame rates. */
  framerates: Fraction[];
  /** A frame-rate range, for devices that report one instead of a list. */
  framerateRange: FractionRange | null;
}

/** The fixed format of a stream, from a sample's caps. */
export interface VideoInfo {
  media: string;
  /** "I420", "NV12"…; null for encoded media. */
  format: string | null;
  /** 0 when the caps do not say. */
  width: number;
  /** 0 when the caps do not say. */
  height: number;
  /** 0/1 when the caps do not say (GStreamer's "variable"). */
  framerate: Fraction;
  /** The caps in GStreamer's text form. */
  caps: string;
}

/**
 * Parses caps text ("video/x-raw, format=I420, width=640, …") with
 * GStreamer's own parser; throws SyntaxError when it refuses it.
 */
export function parseCaps(text: string): CapsStructure[] {
  const caps = capsFromString(text);
  try {
    return capsStructures(caps);
  } finally {
    lib().gst_mini_object_unref(caps);
  }
}

/** A new GstCaps reference from text; throws SyntaxError. */
export function capsFromString(text: string): Deno.PointerObject {
  const caps = lib().gst_caps_from_string(cstr(text));
  if (caps === null) throw new SyntaxError(`Cannot parse caps ${JSON.stringify(text)}`);
  return caps;
}

/** The text form of a GstCaps. */
export function capsToString(caps: Deno.PointerObject): string {
  return takeString(lib().gst_caps_to_string(caps)) ?? "";
}

/** The structures of a GstCaps (borrowed). */
export function capsStructures(caps: Deno.PointerObject): CapsStructure[] {
  const g = lib();
  const out: CapsStructure[] = [];
  const n = g.gst_caps_get_size(caps);
  for (let i = 0; i < n; i++) {
    const s = g.gst_caps_get_structure(caps, i);
    if (s === null) continue;
    const rates = fractionsField(s, "framerate");
    out.push({
      media: structureName(s),
      formats: stringsField(s, "format"),
      width: intField(s, "width"),
      height: intField(s, "height"),
      framerates: rates.values,
      framerateRange: rates.range,
    });
  }
  return out;
}

/** The fixed format that a sample's caps (borrowed) describe. */
export function videoInfo(caps: Deno.PointerObject): VideoInfo {
  const [first] = capsStructures(caps);
  return Object.freeze({
    media: first?.media ?? "",
    format: first?.formats[0] ?? null,
    width: first?.width?.min ?? 0,
    height: first?.height?.min ?? 0,
    framerate: Object.freeze(first?.framerates[0] ?? { num: 0, den: 1 }),
    caps: capsToString(caps),
  });
}
