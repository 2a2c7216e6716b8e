/**
 * Morphological opening of a 0/1 mask with a 3x3 square: an erosion, which
 * removes specks and lines thinner than 3 pixels (sensor noise, compression
 * shimmer, swaying twigs at this resolution), then a dilation, which gives
 * the surviving blobs their size back. Both are separable, so the opening
 * is four cheap passes. Pixels beyond the border repeat the edge, so motion
 * touching the border survives. The result replaces `mask`; `scratch` is
 * overwritten. Both are `width` x `height` bytes.
 */
export function openMask(
  mask: Uint8Array,
  scratch: Uint8Array,
  size: { width: number; height: number },
): void {
  const { width, height } = size;
  rowPass(mask, scratch, width, height, true);
  columnPass(scratch, mask, width, height, true);
  rowPass(mask, scratch, width, height, false);
  columnPass(scratch, mask, width, height, false);
}

function rowPass(src: Uint8Array, dst: Uint8Array, w: number, h: number, erode: boolean): void {
  for (let y = 0, row = 0; y < h; y++, row += w) {
    const last = row + w - 1;
    if (erode) {
      dst[row] = src[row] & src[row + 1];
      for (let i = row + 1; i < last; i++) dst[i] = src[i - 1] & src[i] & src[i + 1];
      dst[last] = src[last - 1] & src[last];
    } else {
      dst[row] = src[row] | src[row + 1];
      for (let i = row + 1; i < last; i++) dst[i] = src[i - 1] | src[i] | src[i + 1];
      dst[last] = src[last - 1] | src[last];
    }
  }
}

function columnPass(src: Uint8Array, dst: Uint8Array, w: number, h: number, erode: boolean): void {
  const end = w * h;
  const lastRow = end - w;
  if (erode) {
    for (let i = 0; i < w; i++) dst[i] = src[i] & src[i + w];
    for (let i = w; i < lastRow; i++) dst[i] = src[i - w] & src[i] & src[i + w];
    for (let i = lastRow; i < end; i++) dst[i] = src[i - w] & src[i];
  } else {
    for (let i = 0; i < w; i++) dst[i] = src[i] | src[i + w];
    for (let i = w; i < lastRow; i++) dst[i] = src[i - w] | src[i] | src[i + w];
    for (let i = lastRow; i < end; i++) dst[i] = src[i - w] | src[i];
  }
}
