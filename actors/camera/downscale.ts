/**
 * The detector's frames: a 4:2:0 frame (I420 or NV12) shrunk to I420 at the
 * detector's size by averaging the source pixels each output pixel covers.
 * Done in the camera actor at the detector's low rate, so the GStreamer
 * pipeline needs no tee, queue or second scaler (measured: those cost more
 * per frame than this does at 5 fps). Preallocated: no allocation per frame.
 *
 *   src plane (sw × sh)          dst plane (dw × dh)
 *   ┌───┬───┬───┬───┐            ┌───────┬───────┐
 *   │ a │ b │ c │ d │     →      │avg abef│avg cdgh│   box [x0[i], x1[i]) × [y0[j], y1[j])
 *   │ e │ f │ g │ h │            └───────┴───────┘
 *
 * @module
 */

interface Axis {
  from: Int32Array;
  to: Int32Array;
}

function axis(src: number, dst: number): Axis {
  const from = new Int32Array(dst), to = new Int32Array(dst);
  for (let i = 0; i < dst; i++) {
    from[i] = Math.floor((i * src) / dst);
    to[i] = Math.max(from[i] + 1, Math.floor(((i + 1) * src) / dst));
  }
  return { from, to };
}

/** A reusable scaler from one 4:2:0 size and layout to an I420 size. */
export class Downscaler {
  readonly srcWidth: number;
  readonly srcHeight: number;
  readonly dstWidth: number;
  readonly dstHeight: number;
  readonly nv12: boolean;
  readonly #luma: [Axis, Axis];
  readonly #chroma: [Axis, Axis];

  constructor(
    options: {
      srcWidth: number;
      srcHeight: number;
      dstWidth: number;
      dstHeight: number;
      nv12?: boolean;
    },
  ) {
    const { srcWidth: sw, srcHeight: sh, dstWidth: dw, dstHeight: dh } = options;
    for (const [name, v] of Object.entries({ sw, sh, dw, dh })) {
      if (!Number.isInteger(v) || v < 2 || v % 2 !== 0) {
        throw new RangeError(`Size ${name} must be an even integer ≥ 2, got ${v}`);
      }
    }
    if (dw > sw || dh > sh) {
      throw new RangeError(`Cannot downscale ${sw}x${sh} to the larger ${dw}x${dh}`);
    }
    this.srcWidth = sw;
    this.srcHeight = sh;
    this.dstWidth = dw;
    this.dstHeight = dh;
    this.nv12 = options.nv12 ?? false;
    this.#luma = [axis(sw, dw), axis(sh, dh)];
    this.#chroma = [axis(sw / 2, dw / 2), axis(sh / 2, dh / 2)];
  }

  /** Bytes of one output frame. */
  get outputBytes(): number {
    return this.dstWidth * this.dstHeight * 3 / 2;
  }

  /** Writes the shrunk I420 frame of `src` into `dst`. */
  scale(src: Uint8Array, dst: Uint8Array): void {
    const sw = this.srcWidth, sh = this.srcHeight, dw = this.dstWidth, dh = this.dstHeight;
    if (src.length < (sw * sh * 3) / 2) {
      throw new RangeError(
        `A ${sw}x${sh} frame needs ${(sw * sh * 3) / 2} bytes, got ${src.length}`,
      );
    }
    if (dst.length < this.outputBytes) {
      throw new RangeError(`The output needs ${this.outputBytes} bytes, got ${dst.length}`);
    }
    plane(src, 0, sw, 1, this.#luma, dst, 0, dw);
    const cw = sw / 2, ch = sh / 2, dcw = dw / 2, dch = dh / 2;
    const uOut = dw * dh, vOut = uOut + dcw * dch;
    if (this.nv12) {
      // Interleaved UV after the luma plane: U at even bytes, V at odd.
      plane(src, sw * sh, sw, 2, this.#chroma, dst, uOut, dcw);
      plane(src, sw * sh + 1, sw, 2, this.#chroma, dst, vOut, dcw);
    } else {
      plane(src, sw * sh, cw, 1, this.#chroma, dst, uOut, dcw);
      plane(src, sw * sh + cw * ch, cw, 1, this.#chroma, dst, vOut, dcw);
    }
  }
}

/** Box-averages one plane. `step` is the distance between samples in a row (2 for NV12's UV). */
function plane(
  src: Uint8Array,
  srcStart: number,
  srcStride: number,
  step: number,
  [xs, ys]: [Axis, Axis],
  dst: Uint8Array,
  dstStart: number,
  dstStride: number,
): void {
  const cols = xs.from.length, rows = ys.from.length;
  for (let j = 0; j < rows; j++) {
    const y0 = ys.from[j], y1 = ys.to[j];
    const out = dstStart + j * dstStride;
    for (let i = 0; i < cols; i++) {
      const x0 = xs.from[i], x1 = xs.to[i];
      let sum = 0;
      for (let y = y0; y < y1; y++) {
        const row = srcStart + y * srcStride;
        for (let x = x0; x < x1; x++) sum += src[row + x * step];
      }
      dst[out + i] = (sum / ((x1 - x0) * (y1 - y0)) + 0.5) | 0;
    }
  }
}
