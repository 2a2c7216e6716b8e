/**
 * Retention as a pure decision: which segments to delete, oldest first, to
 * meet the age limit, the per-camera and total size limits and the free-disk
 * floor, and whether recording must stop because the floor cannot be met.
 * The segment being written is never chosen. For the floor, retention keeps
 * a margin above it (so writing until the next pass does not take the disk
 * back under it), and deletes nothing when even every closed segment would
 * not bring the disk to the floor: they would be lost for nothing.
 *
 * @module
 */

/** What retention needs to know of a segment. */
export interface RetentionSegment {
  id: number;
  camera: string;
  bytes: number;
  startMs: number;
  /** Null while being written. */
  endMs: number | null;
  /** Being written now: never deleted. */
  open: boolean;
}

/** Limits for one camera; a missing field falls back to the policy's. */
export interface CameraRetention {
  maxBytes?: number;
  maxAgeS?: number;
}

/** The limits. `Infinity` means no limit. */
export interface RetentionPolicy {
  /** Bytes all cameras may use together. */
  maxBytes: number;
  /** Bytes one camera may use, unless `cameras` says otherwise. */
  maxBytesPerCamera: number;
  /** Seconds a segment is kept after it ends. */
  maxAgeS: number;
  /** Free bytes the recordings disk must keep. */
  minFreeBytes: number;
  /**
   * When the floor makes retention delete, it deletes until free space is
   * this much above the floor (and deletes whenever free space is under
   * floor + margin). Default 0.
   */
  freeMarginBytes?: number;
  /** Per-camera overrides, by camera id. */
  cameras?: Readonly<Record<string, CameraRetention>>;
}

/** Why a segment goes. */
export type RetentionReason = "age" | "camera_bytes" | "total_bytes" | "free_floor";

/** One segment to delete and the first limit that chose it. */
export interface RetentionDeletion {
  segment: RetentionSegment;
  reason: RetentionReason;
}

/** The decision. */
export interface RetentionDecision {
  /** Oldest first. */
  delete: RetentionDeletion[];
  bytesFreed: number;
  /** Free bytes once the deletions are done. */
  freeAfter: number;
  /** Even with every closed segment deleted, free space would stay under the floor. */
  stopRecording: boolean;
}

function byAge(a: RetentionSegment, b: RetentionSegment): number {
  return a.startMs - b.startMs || a.id - b.id;
}

function checkLimit(value: number, what: string): void {
  if (Number.isNaN(value) || value < 0) throw new RangeError(`${what} ${value} must be 0 or more`);
}

/**
 * Decides what to delete, given every segment, the policy, the time now (ms)
 * and the free bytes on the recordings disk. Limits apply in this order:
 * age, per-camera bytes, total bytes, free-disk floor; each takes the oldest
 * closed segments still left. Open segments count towards the sizes but are
 * never deleted.
 */
export function decideRetention(
  segments: readonly RetentionSegment[],
  policy: RetentionPolicy,
  options: { nowMs: number; freeBytes: number },
): RetentionDecision {
  checkLimit(policy.maxBytes, "Total size limit");
  checkLimit(policy.maxBytesPerCamera, "Per-camera size limit");
  checkLimit(policy.maxAgeS, "Age limit");
  checkLimit(policy.minFreeBytes, "Free disk floor");
  checkLimit(policy.freeMarginBytes ?? 0, "Free disk margin");
  checkLimit(options.freeBytes, "Free disk");
  const sorted = [...segments].sort(byAge);
  const chosen = new Map<RetentionSegment, RetentionReason>();
  const perCamera = new Map<string, number>();
  let total = 0;
  for (const s of sorted) {
    perCamera.set(s.camera, (perCamera.get(s.camera) ?? 0) + s.bytes);
    total += s.bytes;
  }
  const take = (s: RetentionSegment, reason: RetentionReason) => {
    chosen.set(s, reason);
    perCamera.set(s.camera, perCamera.get(s.camera)! - s.bytes);
    total -= s.bytes;
  };
  const deletable = () => sorted.filter((s) => !s.open && !chosen.has(s));

  for (const s of deletable()) {
    const maxAgeS = policy.cameras?.[s.camera]?.maxAgeS ?? policy.maxAgeS;
    if ((s.endMs ?? s.startMs) < options.nowMs - maxAgeS * 1000) take(s, "age");
  }
  for (const s of deletable()) {
    const max = policy.cameras?.[s.camera]?.maxBytes ?? policy.maxBytesPerCamera;
    if (perCamera.get(s.camera)! > max) take(s, "camera_bytes");
  }
  for (const s of deletable()) {
    if (total <= policy.maxBytes) break;
    take(s, "total_bytes");
  }
  let freed = 0;
  for (const s of chosen.keys()) freed += s.bytes;
  const target = policy.minFreeBytes + (policy.freeMarginBytes ?? 0);
  const left = deletable();
  const couldFree = left.reduce((sum, s) => sum + s.bytes, 0);
  // Only when deleting can reach the floor: past it, recording stops either way.
  if (options.freeBytes + freed + couldFree >= policy.minFreeBytes) {
    for (const s of left) {
      if (options.freeBytes + freed >= target) break;
      take(s, "free_floor");
      freed += s.bytes;
    }
  }
  const freeAfter = options.freeBytes + freed;
  return {
    delete: sorted.filter((s) => chosen.has(s)).map((segment) => ({
      segment,
      reason: chosen.get(segment)!,
    })),
    bytesFreed: freed,
    freeAfter,
    stopRecording: freeAfter < policy.minFreeBytes,
  };
}
