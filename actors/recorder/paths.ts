/**
 * Segment file names: `<camera>/<YYYY-MM-DD>/<start>.<ext>` under the
 * recordings dir, all in UTC, and the checks that keep every path inside it.
 * The extension names the container (`.mp4`, `.mkv`, `.mov`, `.avi`).
 *
 * The start is ISO 8601 with `-` instead of `:` in the time
 * (`2026-11-22T14-03-05.123Z.mp4`). Linux allows `:`, but FAT and exFAT (the
 * usual USB disk on a Pi) and SMB shares refuse it, and scp and rsync read
 * `a:b` as host and path. The fixed width and the trailing `Z` make names
 * sort in time order; the milliseconds keep two segments that start within
 * one second (a restart) apart.
 *
 * @module
 */
import { join, resolve, sep } from "node:path";
import { CONTAINER, containerOf, type RecordingContainer } from "./container.ts";

/** Longest camera id. Reason: ids are `[a-z0-9-]+` names typed by people; 64 keeps paths short. */
export const MAX_CAMERA_ID_LENGTH = 64;

/**
 * Longest relative segment path accepted from the index or a request. Reason:
 * a valid one is at most 64 + 1 + 10 + 1 + 28 = 104 characters.
 */
export const MAX_SEGMENT_PATH_LENGTH = 128;

/** Extension of a segment file in the default container (MP4). */
export const SEGMENT_EXTENSION = ".mp4";

/** Extension of a segment's thumbnail, stored beside it with the same stem. */
export const THUMBNAIL_EXTENSION = ".jpg";

/** Suffix of a thumbnail being written (renamed to its name once whole). */
export const PARTIAL_SUFFIX = ".part";

/** A segment path taken apart. */
export interface SegmentName {
  camera: string;
  /** Start of the segment, ms since the Unix epoch (UTC). */
  startMs: number;
  /** The container its extension names. */
  container: RecordingContainer;
}

const CAMERA_RE = /^[a-z0-9-]+$/;
const NAME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})Z\.(mp4|mkv|mov|avi)$/;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
// 10000-01-01T00:00:00Z: the first instant whose year no longer fits four digits.
const MAX_START_MS = 253_402_300_800_000;

/** Throws unless `camera` is a valid camera id (`[a-z0-9-]+`, at most 64 characters). */
export function checkCameraId(camera: string): string {
  if (camera.length === 0 || camera.length > MAX_CAMERA_ID_LENGTH || !CAMERA_RE.test(camera)) {
    throw new TypeError(
      `Camera id ${
        JSON.stringify(camera)
      } must be 1 to ${MAX_CAMERA_ID_LENGTH} characters of a-z, 0-9 and -`,
    );
  }
  return camera;
}

function isoName(startMs: number): string {
  if (!Number.isInteger(startMs) || startMs < 0 || startMs >= MAX_START_MS) {
    throw new RangeError(`Segment start ${startMs} is not a whole ms time between 1970 and 9999`);
  }
  return new Date(startMs).toISOString();
}

/** The UTC day folder of a start time: `YYYY-MM-DD`. */
export function dayFolder(startMs: number): string {
  return isoName(startMs).slice(0, 10);
}

/** The path of a segment relative to the recordings dir, with `/` separators. */
export function segmentPath(
  camera: string,
  startMs: number,
  container: RecordingContainer = "mp4",
): string {
  checkCameraId(camera);
  const iso = isoName(startMs);
  return `${camera}/${iso.slice(0, 10)}/${iso.replaceAll(":", "-")}${
    CONTAINER[container].extension
  }`;
}

/** A segment path without its extension: what a segment and its thumbnail share. */
export function segmentStem(path: string): string {
  const c = containerOf(path);
  return c === null ? path : path.slice(0, -CONTAINER[c].extension.length);
}

/** The relative path of a segment's thumbnail: the segment path ending in `.jpg`. */
export function thumbnailPath(path: string): string {
  parseSegmentPath(path);
  return segmentStem(path) + THUMBNAIL_EXTENSION;
}

function refuse(path: string, why: string): never {
  throw new TypeError(`Segment path ${JSON.stringify(path)} ${why}`);
}

/** Throws unless `path` is a relative path of plain components that cannot leave its base. */
function checkRelative(path: string): string[] {
  if (path.length > MAX_SEGMENT_PATH_LENGTH) {
    refuse(path.slice(0, MAX_SEGMENT_PATH_LENGTH), `is longer than ${MAX_SEGMENT_PATH_LENGTH}`);
  }
  if (path.includes("\0")) refuse(path, "contains a NUL character");
  if (path.includes("\\")) refuse(path, "contains a backslash");
  if (path.startsWith("/")) refuse(path, "is absolute; it must be relative to the recordings dir");
  const parts = path.split("/");
  for (const part of parts) {
    if (part === "..") refuse(path, "contains '..'");
    if (part === "." || part === "") refuse(path, "contains an empty or '.' component");
  }
  return parts;
}

/**
 * Takes a relative segment path apart. It must be exactly
 * `<camera>/<YYYY-MM-DD>/<start>.<mp4|mkv|mov|avi>` as {@linkcode segmentPath} writes it,
 * with the day folder matching the start.
 *
 * @throws {TypeError} for anything else, naming what is wrong.
 */
export function parseSegmentPath(path: string): SegmentName {
  const parts = checkRelative(path);
  if (parts.length !== 3) refuse(path, "is not <camera>/<YYYY-MM-DD>/<start>.<mp4|mkv|mov|avi>");
  const [camera, day, file] = parts;
  if (!CAMERA_RE.test(camera) || camera.length > MAX_CAMERA_ID_LENGTH) {
    refuse(path, "does not start with a valid camera id");
  }
  if (!DAY_RE.test(day)) refuse(path, "has no YYYY-MM-DD day folder");
  const m = NAME_RE.exec(file);
  if (m === null) refuse(path, "has no file name like 2026-11-22T14-03-05.123Z.mp4");
  const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number);
  const startMs = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (
    startMs < 0 || startMs >= MAX_START_MS ||
    isoName(startMs).replaceAll(":", "-") !== file.slice(0, -4)
  ) {
    refuse(path, "names a time that does not exist");
  }
  if (dayFolder(startMs) !== day) refuse(path, "is in a day folder that does not match its start");
  return { camera, startMs, container: m[8] as RecordingContainer };
}

/**
 * Joins a relative segment path onto the recordings dir, after the lexical
 * checks of {@linkcode parseSegmentPath}. Does not touch the disk.
 */
export function resolveSegmentPath(dir: string, path: string): string {
  parseSegmentPath(path);
  return join(resolve(dir), ...path.split("/"));
}

/**
 * Like {@linkcode resolveSegmentPath}, then follows symlinks on disk and
 * throws unless the real file is still inside the real recordings dir. Use it
 * before opening a file named by the index or a request.
 *
 * @throws {Deno.errors.NotFound} when the file does not exist.
 */
export async function resolveSegmentFile(dir: string, path: string): Promise<string> {
  const lexical = resolveSegmentPath(dir, path);
  const [realDir, realFile] = await Promise.all([Deno.realPath(dir), Deno.realPath(lexical)]);
  if (!realFile.startsWith(realDir + sep)) {
    refuse(path, `leads outside the recordings dir (to ${JSON.stringify(realFile)})`);
  }
  return realFile;
}

/**
 * The real path of a segment's thumbnail, checked like
 * {@linkcode resolveSegmentFile}: it must exist and stay inside the real
 * recordings dir.
 *
 * @throws {Deno.errors.NotFound} when the file does not exist.
 */
export async function resolveThumbnailFile(dir: string, path: string): Promise<string> {
  const lexical = join(resolve(dir), ...thumbnailPath(path).split("/"));
  const [realDir, realFile] = await Promise.all([Deno.realPath(dir), Deno.realPath(lexical)]);
  if (!realFile.startsWith(realDir + sep)) {
    refuse(path, `has a thumbnail outside the recordings dir (at ${JSON.stringify(realFile)})`);
  }
  return realFile;
}
