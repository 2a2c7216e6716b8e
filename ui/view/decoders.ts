/**
 * Which H.264 decoder `eyrie view` uses: the best one that really decodes
 * here, probed in order like the encoders (ffi/gst/probe_decoder.ts).
 *
 * @module
 */
import { elementAvailable, type GstError, probeDecoder } from "../../ffi/gst/mod.ts";

/** Hardware first (V4L2 stateless, V4L2 stateful, VA-API, NVDEC), then FFmpeg's software decoder. */
export const DECODER_ORDER: readonly string[] = [
  "v4l2slh264dec",
  "v4l2h264dec",
  "vah264dec",
  "vaapih264dec",
  "nvh264dec",
  "avdec_h264",
];

/** The first decoder of `order` that decodes the probe stream, and why the ones before it did not. */
export async function chooseDecoder(
  order: readonly string[] = DECODER_ORDER,
): Promise<{ decoder: string | null; skipped: { decoder: string; why: string }[] }> {
  const skipped: { decoder: string; why: string }[] = [];
  for (const decoder of order) {
    if (!elementAvailable(decoder)) {
      skipped.push({ decoder, why: "not installed" });
      continue;
    }
    const probe = await probeDecoder(decoder);
    if (probe.ok) return { decoder, skipped };
    skipped.push({ decoder, why: (probe.error as GstError).message });
  }
  return { decoder: null, skipped };
}

/** Every decoder of `order`, and whether it decodes here (for `eyrie probe`). */
export async function probeDecoders(
  order: readonly string[] = DECODER_ORDER,
): Promise<{ element: string; works: boolean; reason: string }[]> {
  const out: { element: string; works: boolean; reason: string }[] = [];
  for (const element of order) {
    if (!elementAvailable(element)) {
      out.push({ element, works: false, reason: "not installed" });
      continue;
    }
    const probe = await probeDecoder(element);
    out.push({ element, works: probe.ok, reason: probe.ok ? "" : probe.error.message });
  }
  return out;
}
