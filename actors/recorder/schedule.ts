/**
 * Recording schedules: windows such as `mon-fri 08:00-18:00`, `sat,sun
 * 00:00-24:00`, `daily 22:00-06:00`, matched against local wall-clock time.
 * A window whose end is not after its start runs past midnight and belongs
 * to the day it starts on. Windows are half-open: [start, end).
 *
 * @module
 */

/** Most windows in one schedule. Reason: a week has 7 days; 64 leaves room for split days. */
export const MAX_SCHEDULE_WINDOWS = 64;

/** Longest window text. Reason: the longest sensible one is ~40 characters. */
export const MAX_WINDOW_LENGTH = 64;

/** One parsed window. Days are 0 (Sunday) to 6, as `Date.getDay()` counts them. */
export interface ScheduleWindow {
  days: readonly boolean[];
  /** Minutes after local midnight. */
  startMin: number;
  /** Minutes after local midnight, 1 to 1440; at or before start means "the next day". */
  endMin: number;
}

/** A local wall-clock time: the weekday (0 = Sunday) and minutes since midnight (fractional). */
export interface LocalTime {
  weekday: number;
  minute: number;
}

const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const DAY_SETS: Readonly<Record<string, readonly number[]>> = {
  daily: [0, 1, 2, 3, 4, 5, 6],
  "*": [0, 1, 2, 3, 4, 5, 6],
  weekdays: [1, 2, 3, 4, 5],
  weekends: [0, 6],
};
const WINDOW_RE = /^(\S+)\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;
const MINUTES_PER_DAY = 1440;

function bad(text: string, why: string): never {
  throw new SyntaxError(`Schedule window ${JSON.stringify(text)} ${why}`);
}

function day(text: string, name: string): number {
  const d = DAY_NAMES.indexOf(name);
  if (d < 0) bad(text, `has an unknown day "${name}" (use mon, tue, wed, thu, fri, sat, sun)`);
  return d;
}

function parseDays(text: string, spec: string): boolean[] {
  const days = new Array<boolean>(7).fill(false);
  const named = DAY_SETS[spec];
  if (named !== undefined) {
    for (const d of named) days[d] = true;
    return days;
  }
  for (const part of spec.split(",")) {
    const [from, to, extra] = part.split("-");
    if (extra !== undefined) bad(text, `has a day range "${part}" with two dashes`);
    const a = day(text, from);
    const b = to === undefined ? a : day(text, to);
    // A range may wrap the week: fri-mon is fri, sat, sun, mon.
    for (let d = a;; d = (d + 1) % 7) {
      days[d] = true;
      if (d === b) break;
    }
  }
  return days;
}

function minutes(text: string, h: string, m: string, isEnd: boolean): number {
  const v = Number(h) * 60 + Number(m);
  if (Number(m) > 59 || v > MINUTES_PER_DAY || (v === MINUTES_PER_DAY && !isEnd)) {
    bad(text, `has a time ${h}:${m} that is not between 00:00 and ${isEnd ? "24:00" : "23:59"}`);
  }
  return v;
}

/**
 * Parses one window: `<days> HH:MM-HH:MM`, where days is `daily`, `*`,
 * `weekdays`, `weekends`, or a comma list of days and day ranges
 * (`mon-fri`, `mon,wed,fri`, `fri-mon`). The end may be `24:00`.
 *
 * @throws {SyntaxError} naming what is wrong.
 */
export function parseWindow(text: string): ScheduleWindow {
  if (text.length > MAX_WINDOW_LENGTH) {
    bad(text.slice(0, MAX_WINDOW_LENGTH), `is longer than ${MAX_WINDOW_LENGTH} characters`);
  }
  const m = WINDOW_RE.exec(text.trim().toLowerCase());
  if (m === null) bad(text, 'is not "<days> HH:MM-HH:MM", such as "mon-fri 08:00-18:00"');
  const startMin = minutes(text, m[2], m[3], false);
  const endMin = minutes(text, m[4], m[5], true);
  if (startMin === endMin) bad(text, "starts and ends at the same time");
  return { days: parseDays(text, m[1]), startMin, endMin };
}

/** Parses a schedule: a list of windows. An empty list means "never". */
export function parseSchedule(windows: readonly string[]): ScheduleWindow[] {
  if (windows.length > MAX_SCHEDULE_WINDOWS) {
    throw new RangeError(`Schedule has ${windows.length} windows, over ${MAX_SCHEDULE_WINDOWS}`);
  }
  return windows.map(parseWindow);
}

/** The local wall-clock time of `date` in the process's time zone (TZ). */
export function localTime(date: Date): LocalTime {
  return {
    weekday: date.getDay(),
    minute: date.getHours() * 60 + date.getMinutes() + date.getSeconds() / 60 +
      date.getMilliseconds() / 60_000,
  };
}

/** True when `t` falls inside any window of the schedule. */
export function inSchedule(schedule: readonly ScheduleWindow[], t: LocalTime): boolean {
  const yesterday = (t.weekday + 6) % 7;
  for (const w of schedule) {
    if (w.endMin > w.startMin) {
      if (w.days[t.weekday] && t.minute >= w.startMin && t.minute < w.endMin) return true;
    } else {
      // Overnight: the evening part today, or the morning part of a window that began yesterday.
      if (w.days[t.weekday] && t.minute >= w.startMin) return true;
      if (w.days[yesterday] && t.minute < w.endMin) return true;
    }
  }
  return false;
}
