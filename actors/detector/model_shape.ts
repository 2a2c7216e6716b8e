import { MAX_INPUT_SIZE } from "./letterbox.ts";
import { ModelError } from "./model_error.ts";

/** The inputs and outputs of a YOLOv8/YOLO11 detection export, as read at load. */
export interface ModelShape {
  inputName: string;
  /** S of the [1, 3, S, S] input. */
  inputSize: number;
  outputName: string;
  /** C of the [1, 4 + C, N] output. */
  classes: number;
  /** N of the [1, 4 + C, N] output (8400 for a 640 export). */
  anchors: number;
}

/** What onnxruntime says about one input or output (its ValueMetadata). */
export type ValueInfo =
  | { readonly name: string; readonly isTensor: false }
  | {
    readonly name: string;
    readonly isTensor: true;
    readonly type: string;
    readonly shape: ReadonlyArray<number | string>;
  };

/** The parts of an onnxruntime session that describe its interface. */
export interface SessionInfo {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueInfo[];
  readonly outputMetadata: readonly ValueInfo[];
}

/**
 * Most anchors. Reason: decoding scratch is sized by N; a 1280 export has
 * 33,600, and a bound well past it catches a mis-shaped output early.
 */
export const MAX_ANCHORS = 1 << 20;

/**
 * Most classes. Reason: the class rows dominate the output's size; the largest
 * public detection vocabularies stay below 1,300.
 */
export const MAX_CLASSES = 10_000;

function fail(path: string, message: string): never {
  throw new ModelError(path, "shape", `Model "${path}" ${message}`);
}

function shapeText(shape: ReadonlyArray<number | string>): string {
  return `[${shape.join(", ")}]`;
}

/** Checks for one float32 [1, 3, S, S] input with a static S; returns its name and S. */
export function checkInputShape(
  path: string,
  session: SessionInfo,
): { inputName: string; inputSize: number } {
  if (session.inputNames.length !== 1) {
    fail(
      path,
      `has ${session.inputNames.length} inputs; a YOLO detection export has one image input`,
    );
  }
  const meta = session.inputMetadata[0];
  if (!meta.isTensor) fail(path, `input "${meta.name}" is not a tensor`);
  if (meta.type !== "float32") {
    fail(
      path,
      `input "${meta.name}" is ${meta.type}; export with float32 input (half=False, int8=False)`,
    );
  }
  const s = meta.shape;
  if (s.some((d) => typeof d !== "number")) {
    fail(
      path,
      `input "${meta.name}" has dynamic dimensions ${shapeText(s)}; export with dynamic=False`,
    );
  }
  if (s.length !== 4 || s[0] !== 1 || s[1] !== 3 || s[2] !== s[3]) {
    fail(
      path,
      `input "${meta.name}" is ${shapeText(s)}; expected [1, 3, S, S] (one square RGB image)`,
    );
  }
  const size = s[2] as number;
  if (size < 8 || size > MAX_INPUT_SIZE) {
    fail(path, `input size ${size} is outside 8..${MAX_INPUT_SIZE}`);
  }
  return { inputName: session.inputNames[0], inputSize: size };
}

/** Checks for a float32 [1, 4 + C, N] first output and returns the whole shape. */
export function checkOutputShape(
  path: string,
  session: SessionInfo,
  input: { inputName: string; inputSize: number },
): ModelShape {
  if (session.outputNames.length !== 1) {
    fail(
      path,
      `has ${session.outputNames.length} outputs; a YOLO detection export has one (segmentation and NMS-included exports are not supported)`,
    );
  }
  const meta = session.outputMetadata[0];
  if (!meta.isTensor) fail(path, `output "${meta.name}" is not a tensor`);
  if (meta.type !== "float32") {
    fail(path, `output "${meta.name}" is ${meta.type}; expected float32`);
  }
  const s = meta.shape;
  if (s.some((d) => typeof d !== "number")) {
    fail(
      path,
      `output "${meta.name}" has dynamic dimensions ${shapeText(s)}; export with dynamic=False`,
    );
  }
  if (s.length !== 3 || s[0] !== 1) {
    fail(path, `output "${meta.name}" is ${shapeText(s)}; expected [1, 4 + classes, anchors]`);
  }
  const [, rows, anchors] = s as number[];
  // A detection output has far more anchors than rows (8400 vs 84 at 640).
  // More rows than anchors is another layout: [1, 300, 6] from an
  // end-to-end export (YOLO26 by default, or nms=True), or [1, N, 5 + C]
  // from YOLOv5 or a transposed export.
  if (rows > anchors) {
    const what = anchors === 6
      ? "an end-to-end export with NMS built in ([x1, y1, x2, y2, score, class] rows, as YOLO26 exports by default)"
      : "anchors before rows (a YOLOv5-style or transposed export)";
    fail(
      path,
      `output "${meta.name}" is ${
        shapeText(s)
      }, ${what}; expected [1, 4 + classes, anchors] as YOLOv8/YOLO11 export it`,
    );
  }
  if (rows < 5 || rows - 4 > MAX_CLASSES || anchors < 1 || anchors > MAX_ANCHORS) {
    fail(path, `output "${meta.name}" is ${shapeText(s)}; expected [1, 4 + classes, anchors]`);
  }
  return { ...input, outputName: session.outputNames[0], classes: rows - 4, anchors };
}
