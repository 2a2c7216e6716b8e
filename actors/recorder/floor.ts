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
