/**
 * An axis-aligned box in normalised frame coordinates: x and y of the
 * top-left corner, width and height, all as fractions (0..1) of the analysed
 * frame's width and height. Normalised so that the same box overlays the
 * full-resolution stream the detector's downscaled copy came from.
 */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A new zero box. */
export function emptyBox(): Box {
  return { x: 0, y: 0, w: 0, h: 0 };
}

/** Writes the smallest box holding `a` and `b` into `out` and returns it. */
export function unionBox(a: Box, b: Box, out: Box): Box {
  const x1 = Math.min(a.x, b.x);
  const y1 = Math.min(a.y, b.y);
  const x2 = Math.max(a.x + a.w, b.x + b.w);
  const y2 = Math.max(a.y + a.h, b.y + b.h);
  out.x = x1;
  out.y = y1;
  out.w = x2 - x1;
  out.h = y2 - y1;
  return out;
}
