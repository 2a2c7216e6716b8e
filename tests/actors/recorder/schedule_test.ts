import assert from "node:assert/strict";
import {
  inSchedule,
  type LocalTime,
  localTime,
  parseSchedule,
  parseWindow,
} from "../../../actors/recorder/mod.ts";

const [SUN, MON, , , , FRI, SAT] = [0, 1, 2, 3, 4, 5, 6];
const at = (weekday: number, hh: number, mm = 0): LocalTime => ({ weekday, minute: hh * 60 + mm });

Deno.test("parseWindow() reads days, day ranges, lists and times", () => {
  const w = parseWindow("mon-fri 08:00-18:00");
  assert.deepEqual(w.days, [false, true, true, true, true, true, false]);
  assert.equal(w.startMin, 480);
  assert.equal(w.endMin, 1080);
  assert.deepEqual(parseWindow("sat,sun 00:00-24:00").days, [
    true,
    false,
    false,
    false,
    false,
    false,
    true,
  ]);
  assert.deepEqual(parseWindow("fri-mon 22:00-06:00").days, [
    true,
    true,
    false,
    false,
    false,
    true,
    true,
  ]);
  assert.deepEqual(parseWindow("Daily 00:00-01:00").days, Array(7).fill(true));
  assert.deepEqual(
    parseWindow("weekdays 00:00-01:00").days,
    parseWindow("mon-fri 00:00-01:00").days,
  );
  assert.deepEqual(
    parseWindow("weekends 00:00-01:00").days,
    parseWindow("sat,sun 00:00-01:00").days,
  );
  assert.deepEqual(parseWindow("mon,wed-thu 00:00-01:00").days, [
    false,
    true,
    false,
    true,
    true,
    false,
    false,
  ]);
});

Deno.test("parseWindow() refuses bad windows with an error that quotes them", () => {
  const bad: [string, RegExp][] = [
    ["mon-fri 8:00-18:00", /"mon-fri 8:00-18:00" is not/],
    ["monday 08:00-18:00", /unknown day "monday"/],
    ["mon-fri 08:00-25:00", /25:00/],
    ["mon-fri 08:60-09:00", /08:60/],
    ["mon 24:00-01:00", /24:00/],
    ["mon 08:00-08:00", /same time/],
    ["mon-tue-wed 08:00-09:00", /two dashes/],
    ["08:00-18:00", /is not/],
    ["x".repeat(100), /longer than 64/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => parseWindow(text), { name: "SyntaxError", message }, text);
  }
  assert.throws(() => parseSchedule(Array(65).fill("daily 00:00-01:00")), RangeError);
});

Deno.test("inSchedule() matches a daytime window, start included and end excluded", () => {
  const s = parseSchedule(["mon-fri 08:00-18:00"]);
  assert.equal(inSchedule(s, at(MON, 8)), true);
  assert.equal(inSchedule(s, at(MON, 7, 59)), false);
  assert.equal(inSchedule(s, { weekday: MON, minute: 18 * 60 - 0.001 }), true);
  assert.equal(inSchedule(s, at(FRI, 18)), false);
  assert.equal(inSchedule(s, at(SAT, 12)), false);
});

Deno.test("inSchedule() matches a window past midnight on the day after it starts", () => {
  const s = parseSchedule(["fri 22:00-06:00"]);
  assert.equal(inSchedule(s, at(FRI, 23)), true);
  assert.equal(inSchedule(s, at(SAT, 5, 59)), true);
  assert.equal(inSchedule(s, at(SAT, 6)), false);
  assert.equal(inSchedule(s, at(FRI, 5)), false); // that belongs to a Thursday window
  assert.equal(inSchedule(s, at(SAT, 23)), false);
});

Deno.test("inSchedule() is true in any window and false for an empty schedule", () => {
  const s = parseSchedule(["sat,sun 00:00-24:00", "mon-fri 12:00-13:00"]);
  assert.equal(inSchedule(s, at(SUN, 23, 59)), true);
  assert.equal(inSchedule(s, at(MON, 12, 30)), true);
  assert.equal(inSchedule(s, at(MON, 14)), false);
  assert.equal(inSchedule([], at(MON, 12)), false);
});

Deno.test("localTime() reads the weekday and minute of the process's local time", () => {
  const d = new Date(2026, 10, 22, 14, 3, 30); // local time; 22 Nov 2026 is a Sunday
  assert.deepEqual(localTime(d), { weekday: SUN, minute: 14 * 60 + 3.5 });
});
