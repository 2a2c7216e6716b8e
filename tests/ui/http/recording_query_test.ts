import assert from "node:assert/strict";
import {
  parseId,
  parseListQuery,
  parseTime,
  QueryError,
} from "../../../ui/http/_recording_query.ts";

const T = Date.UTC(2026, 10, 22, 14, 3, 5, 123);

Deno.test("parseTime() reads ms since the epoch and ISO 8601, UTC unless a zone is given", () => {
  assert.equal(parseTime("from", String(T)), T);
  assert.equal(parseTime("from", "2026-11-22T14:03:05.123Z"), T);
  assert.equal(parseTime("from", "2026-11-22T14:03:05.123"), T);
  assert.equal(parseTime("from", "2026-11-22T15:03:05.123+01:00"), T);
  assert.equal(parseTime("from", "2026-11-22"), Date.UTC(2026, 10, 22));
  for (
    const bad of ["", "yesterday", "2026-13-01", "2026-11-22 14:03", "-5", "1e12", "x".repeat(100)]
  ) {
    assert.throws(() => parseTime("from", bad), QueryError, bad);
  }
});

Deno.test("parseId() takes positive whole numbers and nothing else", () => {
  assert.equal(parseId("1"), 1);
  assert.equal(parseId("9007199254740991"), 9007199254740991);
  for (
    const bad of ["0", "-1", "01", "1.5", "abc", "../../etc/passwd", "99999999999999999999", ""]
  ) {
    assert.throws(() => parseId(bad), QueryError, bad);
  }
});

Deno.test("parseListQuery() checks every parameter and refuses unknown ones", () => {
  assert.deepEqual(
    parseListQuery({
      camera: "front",
      from: String(T),
      to: String(T + 1),
      limit: "10",
      order: "desc",
    }),
    { camera: "front", fromMs: T, toMs: T + 1, limit: 10, order: "desc" },
  );
  assert.deepEqual(parseListQuery({ cursor: "123.4" }), { cursor: "123.4" });
  for (
    const bad of <Record<string, string>[]> [
      { camera: "Front" },
      { limit: "0" },
      { limit: "1001" },
      { cursor: "abc" },
      { order: "up" },
      { colour: "red" },
      { from: String(T), to: String(T) },
    ]
  ) {
    assert.throws(() => parseListQuery(bad), QueryError, JSON.stringify(bad));
  }
});
