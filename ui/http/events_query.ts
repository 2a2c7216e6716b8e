/**
 * The query string of `GET /api/events` and `GET /api/events/stream`,
 * checked: every problem is a RangeError whose message the route returns
 * with a 400. Pure.
 *
 * @module
 */
import { type EventQuery, isEventType, MAX_PAGE_SIZE } from "../../actors/events/mod.ts";
import type { DetectionEventType } from "../../actors/defs.ts";

/** What a list request may name. */
const LIST_KEYS = ["camera", "type", "from", "to", "before", "limit"];
/** What a stream request may name (a stream has no pages or end). */
const STREAM_KEYS = ["camera", "type", "last_id"];

/** Longest query value read. Reason: the longest real one is a list of every event type. */
export const MAX_QUERY_VALUE = 200;

const CAMERA_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** A list request's filters and page. */
export function parseListQuery(params: URLSearchParams): EventQuery {
  const q = parseCommon(params, LIST_KEYS);
  const from = time(params, "from");
  const to = time(params, "to");
  if (from !== undefined) q.fromMs = from;
  if (to !== undefined) q.toMs = to;
  if (from !== undefined && to !== undefined && to < from) {
    throw new RangeError(`"to" (${params.get("to")}) is before "from" (${params.get("from")})`);
  }
  const before = integer(params, "before", 1, Number.MAX_SAFE_INTEGER);
  if (before !== undefined) q.before = before;
  const limit = integer(params, "limit", 1, MAX_PAGE_SIZE);
  if (limit !== undefined) q.limit = limit;
  return q;
}

/** A stream request's filters and where to resume (`last_id`, or the Last-Event-ID header). */
export function parseStreamQuery(
  params: URLSearchParams,
  lastEventId: string | null,
): { query: EventQuery; lastId: number | undefined } {
  const query = parseCommon(params, STREAM_KEYS);
  let lastId = integer(params, "last_id", 0, Number.MAX_SAFE_INTEGER);
  if (lastId === undefined && lastEventId !== null && lastEventId !== "") {
    if (!/^\d{1,15}$/.test(lastEventId)) {
      throw new RangeError(`Last-Event-ID must be an event id, got ${quote(lastEventId)}`);
    }
    lastId = Number(lastEventId);
  }
  return { query, lastId };
}

function parseCommon(params: URLSearchParams, known: readonly string[]): EventQuery {
  for (const [key, value] of params) {
    if (!known.includes(key)) {
      throw new RangeError(`Unknown parameter ${quote(key)} (known: ${known.join(", ")})`);
    }
    if (value.length > MAX_QUERY_VALUE) {
      throw new RangeError(`Parameter "${key}" is longer than ${MAX_QUERY_VALUE} characters`);
    }
    if (params.getAll(key).length > 1) throw new RangeError(`Parameter "${key}" is given twice`);
  }
  const q: EventQuery = {};
  const camera = params.get("camera");
  if (camera !== null) {
    if (!CAMERA_ID.test(camera)) throw new RangeError(`${quote(camera)} is not a camera id`);
    q.camera = camera;
  }
  const type = params.get("type");
  if (type !== null) {
    const types: DetectionEventType[] = [];
    for (const t of type.split(",")) {
      if (!isEventType(t)) throw new RangeError(`${quote(t)} is not an event type`);
      if (!types.includes(t)) types.push(t);
    }
    q.types = types;
  }
  return q;
}

/** An ISO 8601 time or UTC milliseconds since the epoch. */
function time(params: URLSearchParams, key: string): number | undefined {
  const v = params.get(key);
  if (v === null) return undefined;
  const ms = /^\d{1,15}$/.test(v) ? Number(v) : /^\d{4}-\d\d-\d\d/.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) {
    throw new RangeError(
      `"${key}" must be an ISO 8601 time or milliseconds since 1970, got ${quote(v)}`,
    );
  }
  return ms;
}

function integer(params: URLSearchParams, key: string, min: number, max: number) {
  const v = params.get(key);
  if (v === null) return undefined;
  const n = /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new RangeError(`"${key}" must be an integer from ${min} to ${max}, got ${quote(v)}`);
  }
  return n;
}

function quote(v: string): string {
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
}
