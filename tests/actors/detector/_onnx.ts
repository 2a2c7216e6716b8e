// A small ONNX graph builder over npm onnx-proto, for models the tests and
// the bench build themselves (no model can be downloaded here).
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
const AttributeType = onnx.AttributeProto.AttributeType;

/** ONNX element types used here. */
export const FLOAT = 1;
export const INT64 = 7;
export const FLOAT16 = 10;

/** An attribute value: integers become INT, other numbers FLOAT, arrays INTS, strings STRING. */
export type Attribute = number | number[] | string | { f: number };

/** One graph input or output: name, element type and dims (a string is a symbolic dim). */
export interface ValueSpec {
  name: string;
  dims: (number | string)[];
  type?: number;
}

/** Builds one graph: initializers and nodes in order; {@linkcode GraphBuilder.encode} makes the model bytes. */
export class GraphBuilder {
  #nodes: onnxProto.onnx.INodeProto[] = [];
  #initializers: onnxProto.onnx.ITensorProto[] = [];
  #next = 0;
  /** Multiply-accumulates × 2 of the convolutions added, for reporting. */
  flops = 0;

  #name(prefix: string): string {
    return `${prefix}_${this.#next++}`;
  }

  /** A float32 initializer. */
  floats(values: ArrayLike<number>, dims: number[]): string {
    const name = this.#name("c");
    const data = Float32Array.from(values);
    this.#initializers.push({
      name,
      dims,
      dataType: FLOAT,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  /** A float32 scalar initializer. */
  scalar(value: number): string {
    return this.floats([value], []);
  }

  /** A 1-D int64 initializer (shapes, axes). */
  ints(values: number[]): string {
    const name = this.#name("i");
    const data = BigInt64Array.from(values.map(BigInt));
    this.#initializers.push({
      name,
      dims: [values.length],
      dataType: INT64,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  /** Adds a node; returns its (first) output name, `output` or a fresh one. */
  op(
    type: string,
    inputs: string[],
    attrs: Record<string, Attribute> = {},
    output?: string,
  ): string {
    const out = output ?? this.#name(type);
    const attribute = Object.entries(attrs).map(([name, v]) => toAttribute(name, v));
    this.#nodes.push({ opType: type, input: inputs, output: [out], name: out, attribute });
    return out;
  }

  /** A 2-D convolution with its weights (He-scaled from `random`) and bias. */
  conv(
    x: string,
    spec: {
      cin: number;
      cout: number;
      k: number;
      stride: number;
      outSide: number;
      bias?: number;
      gain?: number;
    },
    random: () => number,
  ): string {
    const { cin, cout, k, stride, outSide, bias = 0, gain = 1 } = spec;
    const fan = cin * k * k;
    const scale = gain * Math.sqrt(2 / fan);
    const w = new Float32Array(cout * fan);
    for (let i = 0; i < w.length; i++) w[i] = (random() * 2 - 1) * scale * Math.sqrt(3);
    const b = new Float32Array(cout).fill(bias);
    this.flops += 2 * fan * cout * outSide * outSide;
    const pad = k >> 1;
    return this.op("Conv", [x, this.floats(w, [cout, cin, k, k]), this.floats(b, [cout])], {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
    });
  }

  /** Encodes the model with one input and one or more outputs. */
  encode(options: {
    input: ValueSpec;
    outputs: ValueSpec[];
    opset?: number;
    metadata?: Record<string, string>;
  }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: "", version: options.opset ?? 17 }],
      producerName: "eyrie-tests",
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: "g",
        node: this.#nodes,
        initializer: this.#initializers,
        input: [valueInfo(options.input)],
        output: options.outputs.map(valueInfo),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(v: ValueSpec): onnxProto.onnx.IValueInfoProto {
  const dim = v.dims.map((d) => typeof d === "number" ? { dimValue: d } : { dimParam: d });
  return { name: v.name, type: { tensorType: { elemType: v.type ?? FLOAT, shape: { dim } } } };
}

function toAttribute(name: string, v: Attribute): onnxProto.onnx.IAttributeProto {
  if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: v };
  if (typeof v === "string") {
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
  }
  if (typeof v === "object") return { name, type: AttributeType.FLOAT, f: v.f };
  if (Number.isInteger(v)) return { name, type: AttributeType.INT, i: v };
  return { name, type: AttributeType.FLOAT, f: v };
}

/** A seeded PRNG (mulberry32) in [0, 1), so built weights and test noise repeat exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
