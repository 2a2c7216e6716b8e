import assert from "node:assert/strict";
import { formatSize, parseDuration, parseSize } from "../../../actors/recorder/units.ts";

Deno.test("parseSize() reads SI and binary units, case-insensitive, with or without a space", () => {
  const cases: [string | number, number][] = [
    ["20GB", 20e9],
    ["512MiB", 512 * 2 ** 20],
    ["1.5 GiB", 1.5 * 2 ** 30],
    ["1gb", 1e9],
    ["100kB", 100_000],
    ["2TiB", 2 * 2 ** 40],
    ["4096", 4096],
    ["0B", 0],
    [1234, 1234],
  ];
  for (const [text, bytes] of cases) assert.equal(parseSize(text), bytes, String(text));
});

Deno.test("parseSize() rounds fractional bytes down", () => {
  assert.equal(parseSize("1.0001kB"), 1000);
});

Deno.test("parseSize() refuses bad sizes with an error that quotes them", () => {
  assert.throws(() => parseSize("20 GBs"), {
    name: "SyntaxError",
    message: /"20 GBs".*unknown unit "GBs"/,
  });
  assert.throws(() => parseSize("GB"), { name: "SyntaxError", message: /"GB"/ });
  assert.throws(() => parseSize("-1GB"), { name: "SyntaxError", message: /"-1GB"/ });
  assert.throws(() => parseSize(""), SyntaxError);
  assert.throws(() => parseSize(-5), { name: "RangeError", message: /-5/ });
  assert.throws(() => parseSize(1.5), RangeError);
  assert.throws(() => parseSize("99999999TiB"), { name: "RangeError", message: /too large/ });
  assert.throws(() => parseSize("1".repeat(40) + "GB"), {
    name: "RangeError",
    message: /longer than 32/,
  });
});

Deno.test("parseDuration() reads single and compound durations into seconds", () => {
  const cases: [string | number, number][] = [
    ["14d", 14 * 86_400],
    ["36h", 36 * 3600],
    ["90m", 5400],
    ["45s", 45],
    ["1h30m", 5400],
    ["2w", 14 * 86_400],
    ["1.5h", 5400],
    ["1D", 86_400],
    ["0", 0],
    [300, 300],
  ];
  for (const [text, s] of cases) assert.equal(parseDuration(text), s, String(text));
});

Deno.test("parseDuration() refuses bad durations with an error that quotes them", () => {
  assert.throws(() => parseDuration("14"), { name: "SyntaxError", message: /"14"/ });
  assert.throws(() => parseDuration("14 days"), { name: "SyntaxError", message: /"14 days"/ });
  assert.throws(() => parseDuration("3y"), { name: "SyntaxError", message: /unknown unit "y"/ });
  assert.throws(() => parseDuration("1h1h"), {
    name: "SyntaxError",
    message: /repeats the unit "h"/,
  });
  assert.throws(() => parseDuration("h"), SyntaxError);
  assert.throws(() => parseDuration("1h x"), SyntaxError);
  assert.throws(() => parseDuration(-1), RangeError);
  assert.throws(() => parseDuration(Infinity), RangeError);
});

Deno.test("formatSize() writes sizes with SI units for people", () => {
  assert.equal(formatSize(0), "0 B");
  assert.equal(formatSize(999), "999 B");
  assert.equal(formatSize(1500), "1.5 kB");
  assert.equal(formatSize(20e9), "20.0 GB");
  assert.equal(formatSize(512e9), "512 GB");
  assert.equal(formatSize(3e15), "3000 TB");
});
