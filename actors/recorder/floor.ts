/**
 * The free-disk floor's margin, shared by the main thread's retention loop
 * and the recorder Worker's disk hold. Pure, and free of SQLite, so the
 * Worker can import it.
 *
 * @module
 */

/**
 * Free space above the floor that retention keeps, and that recording needs
 * before it resumes. Reason: without a margin, recording would stop and
 * start at every check once the disk hovers at the floor, and writing until
 * the next retention pass would take the disk back under it. A tenth of the
 * floor, at most 64 MiB.
 */
export function resumeMargin(floorBytes: number): number {
  return Math.min(64 * 2 ** 20, Math.floor(floorBytes / 10));
}

/**
 * Free space retention keeps above the floor: the resume margin, or what
 * the recording cameras write between two checks (`bytesPerCheck`, at their
 * configured bitrate), whichever is more — but never more than the floor
 * again. Reason: /api/health measures free space on its own; if retention
 * left the disk at the floor, the next seconds of recording would take it
 * back under until the next pass, and health would flap. The cap keeps a
 * small disk from giving up every recording to the margin.
 */
export function floorMargin(floorBytes: number, bytesPerCheck: number): number {
  return Math.max(resumeMargin(floorBytes), Math.min(floorBytes, Math.ceil(bytesPerCheck)));
}
