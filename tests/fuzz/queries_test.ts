/**
 * Fuzzing the query strings of the recordings and events APIs, which any
 * viewer with a grant sends: each parser accepts, or refuses with its one
 * documented error (QueryError for recordings, RangeError for events), and
 * what it accepts is in range.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  parseCamera,
  parseId,
  parseListQuery as parseRecordingQuery,
  parseTime,
  QueryError,
} from "../../ui/http/_recording_query.ts";
import { parseListQuery, parseStreamQuery } from "../../ui/http/events_query.ts";
import { documented, fuzz } from "./_runs.ts";

const value = fc.oneof(
  fc.constantFrom(
    "",
    "0",
    "-1",
    "1e3",
    "9".repeat(17),
    "2026-11-22T14:03:05Z",
    "2026-02-30",
    "9999-12-31T23:59:59.999999999+14:00",
    "front",
    "motion,person",
    "NaN",
    "Infinity",
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 300 }),
);
const KEYS = [
  "camera",
  "from",
  "to",
  "limit",
  "before",
  "type",
  "last_id",
  "kind",
  "x",
  "__proto__",
];
const params = fc.array(fc.tuple(fc.constantFrom(...KEYS), value), { maxLength: 6 });

Deno.test("fuzz: recording queries are parsed in range or refused with QueryError", () => {
  fuzz("recordings query", fc.tuple(params, value), ([p, v]) => {
    try {
      const q = parseRecordingQuery(Object.fromEntries(p));
      if (q.limit !== undefined) assert.ok(Number.isSafeInteger(q.limit) && q.limit >= 1);
    } catch (e) {
      documented(e, [QueryError]);
    }
    for (const parse of [(s: string) => parseTime("from", s), parseId, parseCamera]) {
      try {
        const got = parse(v);
        if (typeof got === "number") assert.ok(Number.isSafeInteger(got) && got >= 0, String(got));
      } catch (e) {
        documented(e, [QueryError]);
      }
    }
  }, 10_000);
});

Deno.test("fuzz: event queries are parsed in range or refused with RangeError", () => {
  const lastEventId = fc.option(value, { nil: null });
  fuzz("events query", fc.tuple(params, lastEventId), ([p, id]) => {
    const search = new URLSearchParams(p);
    try {
      const q = parseListQuery(search);
      if (q.fromMs !== undefined && q.toMs !== undefined) assert.ok(q.fromMs <= q.toMs);
    } catch (e) {
      documented(e, [RangeError]);
    }
    try {
      const s = parseStreamQuery(search, id);
      if (s.lastId !== undefined) assert.ok(Number.isSafeInteger(s.lastId) && s.lastId >= 0);
    } catch (e) {
      documented(e, [RangeError]);
    }
  }, 10_000);
});
