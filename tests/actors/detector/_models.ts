// ONNX models built in code for the detector's tests and bench. Reusable by
// the detector actor's tests: every builder returns the model's bytes.
import { FLOAT16, GraphBuilder, seededRandom, type ValueSpec } from "./_onnx.ts";

/** COCO class ids the square finder gives to squares of each colour. */
export const SQUARE_CLASSES = { white: 0, red: 2, cat: 15, dog: 16 } as const;

const CLASSES = 80;

/**
 * A YOLOv8-shaped square finder: input "images" [1, 3, S, S], output
 * "output0" [1, 84, N]. Every box and score is computed from the pixels by
 * real ONNX ops (ReduceMax/ReduceMin/ReduceSum over tiles, MatMul, Clip):
 *
 * - Pixels whose brightest channel passes 0.5 are "bright".
 * - The image is cut into a tile pyramid: for each level T in `levels`,
 *   T x T tiles of S/T pixels; each tile is one anchor (N = Σ T²).
 * - An anchor's box is the bounding box of the bright pixels in its tile
 *   (cx, cy, w, h in input pixels).
 * - Its class scores come from the mean colour of those pixels through a
 *   fixed [80 x 4] matrix: white → person (0), red → car (2), blue → cat
 *   (15), green → dog (16); clipped to 0..1, then multiplied by the fill
 *   (bright pixels / box area), so a box spanning two objects scores low,
 *   and by zero when the box touches an inner tile edge (the object goes on
 *   in the neighbour tile and this box is only a piece of it).
 *
 * A lone square thus comes out as identical boxes from every tile that holds
 * it whole, which NMS must merge into one detection. The default pyramid
 * (S = 128, levels 1, 2, 4, 8) has 85 anchors, more than its 84 rows, as a
 * real export has.
 */
export function buildSquareFinder(
  options: { size?: number; levels?: number[]; names?: boolean } = {},
): Uint8Array {
  const { size: S = 128, levels = [1, 2, 4, 8] } = options;
  const g = new GraphBuilder();
  const half = g.scalar(0.5), one = g.scalar(1), zero = g.scalar(0), big = g.scalar(1e4);
  const brightest = g.op("ReduceMax", ["images"], { axes: [1], keepdims: 1 });
  const mask = g.op("Cast", [g.op("Greater", [brightest, half])], { to: 1 });
  // Colour weights: rows are classes, columns mean R, G, B and a constant.
  const w = new Float32Array(CLASSES * 4);
  w.set([1, 1, 1, -2], SQUARE_CLASSES.white * 4);
  w.set([1, -1, -1, 0], SQUARE_CLASSES.red * 4);
  w.set([-1, -1, 1, 0], SQUARE_CLASSES.cat * 4);
  w.set([-1, 1, -1, 0], SQUARE_CLASSES.dog * 4);
  const weights = g.floats(w, [CLASSES, 4]);
  const parts: string[] = [];
  let anchors = 0;
  for (const T of levels) {
    const t = S / T, K = T * T;
    if (!Number.isInteger(t)) throw new RangeError(`Level ${T} does not divide size ${S}`);
    anchors += K;
    const ox = new Float32Array(K), oy = new Float32Array(K);
    const inner = {
      l: new Float32Array(K),
      r: new Float32Array(K),
      t: new Float32Array(K),
      b: new Float32Array(K),
    };
    for (let k = 0; k < K; k++) {
      const tx = k % T, ty = Math.floor(k / T);
      ox[k] = tx * t;
      oy[k] = ty * t;
      inner.l[k] = tx > 0 ? 1 : 0;
      inner.r[k] = tx < T - 1 ? 1 : 0;
      inner.t[k] = ty > 0 ? 1 : 0;
      inner.b[k] = ty < T - 1 ? 1 : 0;
    }
    const tiles = g.op("Reshape", [
      g.op("Transpose", [g.op("Reshape", [mask, g.ints([T, t, T, t])])], { perm: [0, 2, 1, 3] }),
      g.ints([K, t, t]),
    ]);
    const ramp = g.floats(Array.from({ length: t }, (_, i) => i), [1, t]);
    const ramp1 = g.floats(Array.from({ length: t }, (_, i) => i + 1), [1, t]);
    // First and one-past-last bright index along one tile axis: [K, 1], tile-local.
    const extent = (any: string): [string, string] => {
      const missing = g.op("Mul", [g.op("Sub", [one, any]), big]);
      const lo = g.op("ReduceMin", [g.op("Add", [g.op("Mul", [any, ramp]), missing])], {
        axes: [1],
        keepdims: 1,
      });
      const hi = g.op("ReduceMax", [g.op("Mul", [any, ramp1])], { axes: [1], keepdims: 1 });
      return [lo, hi];
    };
    const [x1, x2] = extent(g.op("ReduceMax", [tiles], { axes: [1], keepdims: 0 }));
    const [y1, y2] = extent(g.op("ReduceMax", [tiles], { axes: [2], keepdims: 0 }));
    // A box touching an inner tile edge is a piece of something bigger.
    const touches = (v: string, limit: number, neighbour: Float32Array, below: boolean) =>
      g.op("Mul", [
        g.op("Cast", [g.op(below ? "Less" : "Greater", [v, g.scalar(limit)])], { to: 1 }),
        g.floats(neighbour, [K, 1]),
      ]);
    const touch = g.op("Max", [
      touches(x1, 0.5, inner.l, true),
      touches(x2, t - 0.5, inner.r, false),
      touches(y1, 0.5, inner.t, true),
      touches(y2, t - 0.5, inner.b, false),
    ]);
    const keep = g.op("Sub", [one, touch]);
    const offX = g.floats(ox, [K, 1]), offY = g.floats(oy, [K, 1]);
    const X1 = g.op("Add", [x1, offX]), X2 = g.op("Add", [x2, offX]);
    const Y1 = g.op("Add", [y1, offY]), Y2 = g.op("Add", [y2, offY]);
    const bw = g.op("Relu", [g.op("Sub", [X2, X1])]);
    const bh = g.op("Relu", [g.op("Sub", [Y2, Y1])]);
    const cx = g.op("Mul", [g.op("Add", [X1, X2]), half]);
    const cy = g.op("Mul", [g.op("Add", [Y1, Y2]), half]);
    const count = g.op("Reshape", [
      g.op("ReduceSum", [tiles, g.ints([1, 2])], { keepdims: 0 }),
      g.ints([K, 1]),
    ]);
    const fill = g.op("Div", [count, g.op("Max", [g.op("Mul", [bw, bh]), one])]);
    const colour = g.op("Reshape", [
      g.op("Transpose", [g.op("Reshape", ["images", g.ints([3, T, t, T, t])])], {
        perm: [0, 1, 3, 2, 4],
      }),
      g.ints([3, K, t, t]),
    ]);
    const sums = g.op("ReduceSum", [g.op("Mul", [colour, tiles]), g.ints([2, 3])], { keepdims: 0 });
    const row = (v: string) => g.op("Reshape", [v, g.ints([1, K])]);
    const means = g.op("Div", [sums, g.op("Max", [row(count), one])]);
    const features = g.op("Concat", [means, g.floats(new Float32Array(K).fill(1), [1, K])], {
      axis: 0,
    });
    const scores = g.op("Mul", [
      g.op("Clip", [g.op("MatMul", [weights, features]), zero, one]),
      row(g.op("Mul", [fill, keep])),
    ]);
    const boxes = g.op("Transpose", [g.op("Concat", [cx, cy, bw, bh], { axis: 1 })], {
      perm: [1, 0],
    });
    parts.push(g.op("Concat", [boxes, scores], { axis: 0 }));
  }
  const all = parts.length === 1 ? parts[0] : g.op("Concat", parts, { axis: 1 });
  g.op("Reshape", [all, g.ints([1, 4 + CLASSES, anchors])], {}, "output0");
  return g.encode({
    input: { name: "images", dims: [1, 3, S, S] },
    outputs: [{ name: "output0", dims: [1, 4 + CLASSES, anchors] }],
    metadata: options.names ? squareNames() : undefined,
  });
}

/** Ultralytics-style metadata naming the square finder's classes after colours. */
function squareNames(): Record<string, string> {
  const names = Array.from({ length: CLASSES }, (_, i) => `${i}: 'class ${i}'`);
  names[SQUARE_CLASSES.white] = `${SQUARE_CLASSES.white}: 'white square'`;
  names[SQUARE_CLASSES.red] = `${SQUARE_CLASSES.red}: "red's square"`;
  return { task: "detect", names: `{${names.join(", ")}}` };
}

/**
 * A model with the given input and outputs whose values are all the input's
 * mean (ReduceMean then Expand): valid ONNX, any shape, for shape checks.
 */
export function buildShapedModel(options: {
  input: ValueSpec;
  outputs: ValueSpec[];
  metadata?: Record<string, string>;
}): Uint8Array {
  const g = new GraphBuilder();
  let x = options.input.name;
  if (options.input.type === FLOAT16) x = g.op("Cast", [x], { to: 1 });
  const mean = g.op("ReduceMean", [x], { keepdims: 0 });
  for (const out of options.outputs) {
    const dims = out.dims.map((d) => typeof d === "number" ? d : 1);
    const v = g.op("Expand", [mean, g.ints(dims)]);
    g.op("Cast", [v], { to: out.type ?? 1 }, out.name);
  }
  return g.encode(options);
}

/** The tiny model's bytes cut in half: a file that is not a parsable model. */
export function truncatedModel(): Uint8Array {
  const bytes = buildSquareFinder({ size: 32, levels: [1] });
  return bytes.subarray(0, bytes.length >> 1);
}

/**
 * A model shaped like a 640 YOLOv8n export with comparable compute: input
 * [1, 3, 640, 640], output [1, 84, 8400]. A plain convolutional pyramid with
 * SiLU (Sigmoid × x, as Ultralytics exports it): stem to 1/4 scale, then
 * 1/8 (64 ch), 1/16 (128 ch) and 1/32 (256 ch) stages of four 3x3
 * convolutions each, and a 1x1 head per stage to 84 rows (4 box rows scaled
 * to input pixels, 80 class rows through a sigmoid with a -6 bias so most
 * anchors score low, as on a real scene). Returns the bytes and the GFLOPs
 * of its convolutions.
 */
export function buildBenchModel(seed = 1): { bytes: Uint8Array; gflops: number } {
  const g = new GraphBuilder();
  const random = seededRandom(seed);
  const silu = (x: string) => g.op("Mul", [x, g.op("Sigmoid", [x])]);
  const S = 640;
  let x = silu(g.conv("images", { cin: 3, cout: 16, k: 3, stride: 2, outSide: S / 2 }, random));
  x = silu(g.conv(x, { cin: 16, cout: 32, k: 3, stride: 2, outSide: S / 4 }, random));
  x = silu(g.conv(x, { cin: 32, cout: 32, k: 3, stride: 1, outSide: S / 4 }, random));
  const heads: string[] = [];
  let cin = 32;
  for (const [stride, c] of [[8, 64], [16, 128], [32, 256]]) {
    const side = S / stride;
    x = silu(g.conv(x, { cin, cout: c, k: 3, stride: 2, outSide: side }, random));
    for (let i = 0; i < 4; i++) {
      x = silu(g.conv(x, { cin: c, cout: c, k: 3, stride: 1, outSide: side }, random));
    }
    cin = c;
    const head = g.conv(
      x,
      { cin: c, cout: 4 + CLASSES, k: 1, stride: 1, outSide: side, gain: 0.5 },
      random,
    );
    heads.push(g.op("Reshape", [head, g.ints([1, 4 + CLASSES, side * side])]));
  }
  const raw = g.op("Concat", heads, { axis: 2 });
  const boxes = g.op("Mul", [
    g.op("Sigmoid", [g.op("Slice", [raw, g.ints([0]), g.ints([4]), g.ints([1])])]),
    g.scalar(S),
  ]);
  const classes = g.op("Sigmoid", [
    g.op("Add", [
      g.op("Slice", [raw, g.ints([4]), g.ints([4 + CLASSES]), g.ints([1])]),
      g.scalar(-6),
    ]),
  ]);
  g.op("Concat", [boxes, classes], { axis: 1 }, "output0");
  const bytes = g.encode({
    input: { name: "images", dims: [1, 3, S, S] },
    outputs: [{ name: "output0", dims: [1, 4 + CLASSES, 8400] }],
  });
  return { bytes, gflops: g.flops / 1e9 };
}
