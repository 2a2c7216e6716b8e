// Query and path parameters of the recordings API, checked before they reach
// the index: each bad value becomes a QueryError whose message is the 400's
// reason. Pure; no I/O.
import { checkCameraId } from "../../actors/recorder/paths.ts";
import {
  EXPORT_FORMATS,
  type ExportFormat,
  isExportFormat,
} from "../../actors/recorder/container.ts";
import { MAX_PAGE_SIZE } from "../../actors/recorder/recording_index.ts";

/** A parameter that cannot be used; the message says which and why. */
export class QueryError extends Error {
  override name = "QueryError";
}

/** Longest time parameter read. Reason: the longest ISO 8601 form is 29 characters. */
const MAX_TIME_LENGTH = 40;
const ISO_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const ID_RE = /^[1-9]\d{0,15}$/;
// 10000-01-01T00:00:00Z, as in paths.ts.
const MAX_TIME_MS = 253_402_300_800_000;

/** A time: ms since the Unix epoch, or ISO 8601 (`2026-11-22T14:03:05Z`; no zone means UTC). */
export function parseTime(name: string, value: string): number {
  const shown = JSON.stringify(value.slice(0, MAX_TIME_LENGTH));
  if (value.length <= 16 && /^\d+$/.test(value)) return Number(value);
  let ms = NaN;
  if (value.length <= MAX_TIME_LENGTH && ISO_RE.test(value)) {
    const zoned = value.length > 10 && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value + "Z" : value;
    ms = Date.parse(zoned);
  }
  if (!Number.isFinite(ms) || ms < 0 || ms >= MAX_TIME_MS) {
    throw new QueryError(
      `${name} ${shown} is not a time: use ms since the epoch or ISO 8601 such as 2026-11-22T14:03:05Z`,
    );
  }
  return ms;
}

/** A segment id from the path: a positive whole number. */
export function parseId(value: string): number {
  if (!ID_RE.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new QueryError(
      `Recording id ${JSON.stringify(value.slice(0, 32))} is not a positive whole number`,
    );
  }
  return Number(value);
}

/** An export format from `?format=`: mp4, mkv, mov or webm. */
export function parseFormat(value: string): ExportFormat {
  if (isExportFormat(value)) return value;
  throw new QueryError(
    `format ${JSON.stringify(value.slice(0, 16))} is not one eyrie exports: use ${
      EXPORT_FORMATS.join(", ")
    }`,
  );
}

/** A camera id from a query or path. */
export function parseCamera(value: string): string {
  try {
    return checkCameraId(value);
  } catch (e) {
    throw new QueryError((e as Error).message);
  }
}

/** The filters of `GET /api/recordings`. */
export interface ListQuery {
  camera?: string;
  fromMs?: number;
  toMs?: number;
  limit?: number;
  cursor?: string;
  order?: "asc" | "desc";
}

/** Reads the list filters; unknown parameters are refused, so a typo is not silently ignored. */
export function parseListQuery(query: Record<string, string>): ListQuery {
  const out: ListQuery = {};
  for (const [key, value] of Object.entries(query)) {
    switch (key) {
      case "camera":
        out.camera = parseCamera(value);
        break;
      case "from":
        out.fromMs = parseTime("from", value);
        break;
      case "to":
        out.toMs = parseTime("to", value);
        break;
      case "limit": {
        const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
        if (!(n >= 1 && n <= MAX_PAGE_SIZE)) {
          throw new QueryError(
            `limit ${JSON.stringify(value.slice(0, 16))} must be 1 to ${MAX_PAGE_SIZE}`,
          );
        }
        out.limit = n;
        break;
      }
      case "cursor":
        if (!/^\d{1,16}\.\d{1,16}$/.test(value)) {
          throw new QueryError(`cursor ${JSON.stringify(value.slice(0, 40))} is not valid`);
        }
        out.cursor = value;
        break;
      case "order":
        if (value !== "asc" && value !== "desc") {
          throw new QueryError(`order ${JSON.stringify(value.slice(0, 16))} must be asc or desc`);
        }
        out.order = value;
        break;
      default:
        throw new QueryError(
          `Unknown parameter ${
            JSON.stringify(key.slice(0, 32))
          }; use camera, from, to, limit, cursor, order`,
        );
    }
  }
  if (out.fromMs !== undefined && out.toMs !== undefined && out.toMs <= out.fromMs) {
    throw new QueryError("to must be after from");
  }
  return out;
}
