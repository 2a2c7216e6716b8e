import type * as Ort from "onnxruntime-node";
import { checkInteger, checkNumber } from "./_check.ts";
import { readOnnxMetadata } from "./_onnx_metadata.ts";
import { type Candidates, createCandidates } from "./candidates.ts";
import { type Detection, detectionZones } from "./detection.ts";
import type { DetectorFrame } from "./frame.ts";
import { COCO_LABELS, parseUltralyticsNames } from "./labels.ts";
import { readModel } from "./model_file.ts";
import { Letterbox } from "./letterbox.ts";
import { ModelError } from "./model_error.ts";
import { nms } from "./nms.ts";
import type { Polygon } from "./polygon.ts";
import { checkInputShape, checkOutputShape, type ModelShape } from "./model_shape.ts";
import {
  createDecodeState,
  type DecodeOptions,
  type DecodeState,
  decodeYolo,
} from "./yolo_decode.ts";
import { checkMasks, checkZones, type Zone } from "./zones.ts";

/** How a {@linkcode YoloModel} decodes and filters. Every field is optional. */
export interface YoloOptions {
  /** Class names in output order. Default: the model's own `names` metadata, else COCO when it has 80 classes. */
  labels?: readonly string[];
  /** Least class score kept, 0..1. Default 0.25. */
  confidence?: number;
  /** NMS IoU threshold, 0..1. Default 0.45. */
  iou?: number;
  /** Labels that may be reported; all when absent or empty. */
  classes?: readonly string[];
  /** Zones where objects count, placed by the box's bottom-centre. */
  zones?: readonly Zone[];
  /** Where objects never count. */
  masks?: readonly Polygon[];
  /** Most detections per frame. Default 100. */
  maxDetections?: number;
  /** Suppress overlapping boxes across classes. Default false. */
  agnostic?: boolean;
  /** onnxruntime intra-op threads. Default 1, so the encoder keeps the other cores. */
  threads?: number;
}

type DecodeSettings = Required<
  Pick<YoloOptions, "confidence" | "iou" | "maxDetections" | "agnostic">
>;

/** Milliseconds spent in the last {@linkcode YoloModel.detect}. */
export interface DetectTimings {
  preMs: number;
  inferMs: number;
  postMs: number;
}

let ortModule: Promise<typeof Ort> | undefined;

// onnxruntime-node, imported on first use so that motion-only setups never
// load it (nor need --allow-ffi). A failed import is not cached.
function loadOrt(): Promise<typeof Ort> {
  ortModule ??= import("onnxruntime-node").catch((e) => {
    ortModule = undefined;
    throw new Error(
      `Object detection needs onnxruntime-node, which failed to load (is --allow-ffi granted?): ${
        (e as Error).message
      }`,
      { cause: e },
    );
  });
  return ortModule;
}

/**
 * A YOLOv8/YOLO11 detection model ([1, 3, S, S] float input, [1, 4 + C, N]
 * output) on onnxruntime's CPU provider. Buffers for one frame size are
 * kept between calls; only the returned detections are new objects.
 */
export class YoloModel {
  /** The model file, or "<memory>". */
  readonly path: string;
  readonly shape: Readonly<ModelShape>;
  readonly labels: readonly string[];
  /** Timings of the last {@linkcode YoloModel.detect}. */
  readonly timings: DetectTimings = { preMs: 0, inferMs: 0, postMs: 0 };
  #session: Ort.InferenceSession;
  #options: DecodeSettings;
  #filter: { zones: Zone[]; masks: Polygon[] };
  #allowed: Uint8Array | undefined;
  #tensor: Float32Array;
  #feeds: Record<string, Ort.Tensor>;
  #letterbox: Letterbox | undefined;
  #decode: DecodeState;
  // Made with the letterbox, when the first frame (or a new frame size) arrives.
  #decodeOptions: (DecodeOptions & { out: Candidates }) | undefined;
  #candidates: Candidates;
  #busy = false;

  /**
   * Loads a model from a path or from bytes. Throws a {@linkcode ModelError}
   * for a missing, unreadable or corrupt file, a model that is not a YOLO
   * detection export, or labels that do not fit it; a TypeError or
   * RangeError for bad options.
   */
  static async load(source: string | Uint8Array, options: YoloOptions = {}): Promise<YoloModel> {
    const path = typeof source === "string" ? source : "<memory>";
    const settings: DecodeSettings = {
      confidence: checkNumber("confidence", options.confidence ?? 0.25, 0, 1),
      iou: checkNumber("iou", options.iou ?? 0.45, 0, 1),
      maxDetections: checkInteger("maxDetections", options.maxDetections ?? 100, 1, 10_000),
      agnostic: options.agnostic ?? false,
    };
    const threads = checkInteger("threads", options.threads ?? 1, 1, 64);
    const zones = checkZones(options.zones ?? []);
    const masks = checkMasks(options.masks ?? []);
    const bytes = typeof source === "string" ? await readModel(source) : source;
    const ort = await loadOrt();
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: ["cpu"],
        graphOptimizationLevel: "all",
        executionMode: "sequential",
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        logSeverityLevel: 3,
      });
    } catch (e) {
      throw new ModelError(
        path,
        "corrupt",
        `Model "${path}" cannot be loaded by onnxruntime: ${(e as Error).message}`,
        { cause: e },
      );
    }
    try {
      const metadata = readOnnxMetadata(bytes);
      const task = metadata.get("task");
      if (task !== undefined && task !== "detect") {
        throw new ModelError(
          path,
          "shape",
          `Model "${path}" is a "${task}" model; export a detection model`,
        );
      }
      const shape = checkOutputShape(path, session, checkInputShape(path, session));
      const names = metadata.has("names") ? parseUltralyticsNames(metadata.get("names")!) : null;
      const labels = options.labels ?? names ??
        (shape.classes === COCO_LABELS.length ? COCO_LABELS : null);
      if (labels === null) {
        throw new ModelError(
          path,
          "labels",
          `Model "${path}" has ${shape.classes} classes and no names; give it a labels file`,
        );
      }
      if (labels.length !== shape.classes) {
        throw new ModelError(
          path,
          "labels",
          `Labels list has ${labels.length} names but model "${path}" has ${shape.classes} classes`,
        );
      }
      return new YoloModel({
        ort,
        session,
        path,
        shape,
        labels,
        settings,
        zones,
        masks,
        classes: options.classes,
      });
    } catch (e) {
      await session.release();
      throw e;
    }
  }

  private constructor(init: {
    ort: typeof Ort;
    session: Ort.InferenceSession;
    path: string;
    shape: ModelShape;
    labels: readonly string[];
    settings: DecodeSettings;
    zones: Zone[];
    masks: Polygon[];
    classes: readonly string[] | undefined;
  }) {
    const { ort, session, path, shape, labels } = init;
    this.#session = session;
    this.path = path;
    this.shape = shape;
    this.labels = labels;
    this.#options = init.settings;
    this.#filter = { zones: init.zones, masks: init.masks };
    for (const zone of init.zones) {
      for (const c of zone.classes ?? []) checkLabel(labels, c, `Zone "${zone.name}"`);
    }
    if (init.classes !== undefined && init.classes.length > 0) {
      this.#allowed = new Uint8Array(shape.classes);
      for (const c of init.classes) this.#allowed[checkLabel(labels, c, 'Option "classes"')] = 1;
    }
    this.#tensor = new Float32Array(3 * shape.inputSize * shape.inputSize);
    const dims = [1, 3, shape.inputSize, shape.inputSize];
    this.#feeds = { [shape.inputName]: new ort.Tensor("float32", this.#tensor, dims) };
    this.#decode = createDecodeState(shape.classes, shape.anchors);
    this.#candidates = createCandidates(shape.anchors);
  }

  /**
   * Finds objects in `frame` (I420, NV12 or GRAY8). One call at a time: a
   * call made while another is still running throws an Error.
   */
  async detect(frame: DetectorFrame): Promise<Detection[]> {
    if (this.#busy) {
      throw new Error("YoloModel.detect() was called while a previous call is still running");
    }
    this.#busy = true;
    try {
      const t0 = performance.now();
      const letterbox = this.#letterboxFor(frame);
      letterbox.fill(frame);
      const t1 = performance.now();
      const results = await this.#session.run(this.#feeds);
      const t2 = performance.now();
      const output = results[this.shape.outputName];
      if (!(output?.data instanceof Float32Array)) {
        throw new ModelError(
          this.path,
          "shape",
          `Model "${this.path}" returned a non-float32 output`,
        );
      }
      const c = this.#candidates;
      decodeYolo(this.#decode, output.data, this.#decodeOptions!);
      nms(c, this.#options);
      const detections = this.#collect(c, frame.width, frame.height);
      const t3 = performance.now();
      this.timings.preMs = t1 - t0;
      this.timings.inferMs = t2 - t1;
      this.timings.postMs = t3 - t2;
      return detections;
    } finally {
      this.#busy = false;
    }
  }

  /** Releases the onnxruntime session. */
  async close(): Promise<void> {
    await this.#session.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #letterboxFor(frame: DetectorFrame): Letterbox {
    const g = this.#letterbox?.geometry;
    if (g === undefined || g.srcWidth !== frame.width || g.srcHeight !== frame.height) {
      this.#letterbox = new Letterbox(frame.width, frame.height, {
        size: this.shape.inputSize,
        tensor: this.#tensor,
      });
      this.#decodeOptions = {
        confidence: this.#options.confidence,
        allowed: this.#allowed,
        geometry: this.#letterbox.geometry,
        out: this.#candidates,
      };
    }
    return this.#letterbox!;
  }

  #collect(c: Candidates, width: number, height: number): Detection[] {
    const detections: Detection[] = [];
    for (let k = 0; k < c.kept; k++) {
      const i = c.keep[k];
      const label = this.labels[c.classId[i]];
      const box = {
        x: c.x1[i] / width,
        y: c.y1[i] / height,
        w: (c.x2[i] - c.x1[i]) / width,
        h: (c.y2[i] - c.y1[i]) / height,
      };
      const zones = detectionZones(box, label, this.#filter);
      if (zones === null) continue;
      detections.push({ classId: c.classId[i], label, score: c.score[i], box, zones });
    }
    return detections;
  }
}

function checkLabel(labels: readonly string[], label: string, where: string): number {
  const id = labels.indexOf(label);
  if (id < 0) {
    throw new RangeError(`${where} names class "${label}", which is not among the model's labels`);
  }
  return id;
}
