/**
 * Finds an encoder that really works here: each candidate is built and run
 * on two frames (probeEncoder) before it is trusted.
 *
 * @module
 */
import { debianPackageFor, elementAvailable, GstError, probeEncoder } from "../../ffi/gst/mod.ts";
import type { EncoderCandidate } from "./candidates.ts";

/** Why a candidate was passed over. */
export interface Rejected {
  element: string;
  reason: string;
}

/**
 * Finds the first candidate from `from` that works: installed, and for
 * hardware (or with `probeSoftware`, as `eyrie probe` does) run on two frames.
 * Returns its index (-1 for none) and why the others were passed over.
 */
export async function selectEncoder(
  candidates: readonly EncoderCandidate[],
  options: { from?: number; probeSoftware?: boolean } = {},
): Promise<{ index: number; rejected: Rejected[] }> {
  const from = options.from ?? 0;
  const rejected: Rejected[] = [];
  for (let i = from; i < candidates.length; i++) {
    const c = candidates[i];
    if (!elementAvailable(c.element)) {
      const pkg = debianPackageFor(c.element);
      const from = pkg === null ? "" : ` (Debian package ${pkg})`;
      // Hardware encoders register only when their device exists.
      const reason = c.hardware
        ? `not available: no such hardware, or not installed${from}`
        : `not installed${from}`;
      rejected.push({ element: c.element, reason });
      continue;
    }
    // A software encoder that is installed works; hardware ones can exist and still fail
    // (no device, busy, wrong driver), so they run two frames first.
    if (!c.hardware && !options.probeSoftware) return { index: i, rejected };
    const probe = await probeEncoder(c.element, { timeoutMs: 5000 });
    if (probe.ok) return { index: i, rejected };
    rejected.push({ element: c.element, reason: probe.error.message });
  }
  return { index: -1, rejected };
}

/** The error when nothing can encode: names every candidate and why. */
export function noEncoderError(rejected: readonly Rejected[]): GstError {
  const list = rejected.map((r) => `${r.element}: ${r.reason}`).join("; ");
  return new GstError(`No working encoder (${list})`, { element: rejected[0]?.element ?? "" });
}
