/**
 * Structured logs. Every record names the actor that wrote it. On a terminal
 * records are one readable line each (with colour); elsewhere (journald, a
 * pipe, CI) they are JSON lines without escape codes. When stderr is the
 * journal's stream, each line starts with its syslog priority ("<3>" for
 * errors), which journald strips and keeps, so `journalctl -p warning` works.
 *
 * @module
 */
import { fstatSync } from "node:fs";
import type { LogLevel, LogRecord } from "../defs.ts";

/** Values a log field may hold. Secrets never go in: fields are chosen, not dumped. */
export type LogFields = Record<string, string | number | boolean | null>;

export interface Logger {
  readonly actor: string;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger for another actor id that writes to the same sink. */
  child(actor: string): Logger;
}

export type LogSink = (record: LogRecord) => void;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** Whether a record at `level` passes a logger set to `threshold`. */
export function levelEnabled(level: LogLevel, threshold: LogLevel): boolean {
  return RANK[level] >= RANK[threshold];
}

/** A logger for `actor` that hands records at or above `level` to `sink`. */
export function createLogger(actor: string, sink: LogSink, level: LogLevel = "info"): Logger {
  const emit = (l: LogLevel, msg: string, fields?: LogFields) => {
    if (!levelEnabled(l, level)) return;
    const record: LogRecord = { ts: new Date().toISOString(), level: l, actor, msg };
    if (fields !== undefined) record.fields = fields;
    sink(record);
  };
  return {
    actor,
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (id) => createLogger(id, sink, level),
  };
}

/** A sink that passes on only records at or above `level` (Workers log everything; the main thread filters). */
export function filterSink(sink: LogSink, level: LogLevel): LogSink {
  return (record) => {
    if (levelEnabled(record.level, level)) sink(record);
  };
}

const COLOUR: Record<LogLevel, string> = {
  debug: "\x1b[90m",
  info: "\x1b[36m",
  warn: "\x1b[33m",
  error: "\x1b[31m",
};

function quoteValue(v: string | number | boolean | null): string {
  if (typeof v !== "string") return String(v);
  return /^[\w.:/@+-]+$/.test(v) ? v : JSON.stringify(v);
}

/** One record as a readable line: `12:00:01.234 INFO  [front/encoder] message key=value`. */
export function formatText(record: LogRecord, colour: boolean): string {
  const time = record.ts.slice(11, 23);
  const level = record.level.toUpperCase().padEnd(5);
  let line = `${time} ${
    colour ? COLOUR[record.level] + level + "\x1b[0m" : level
  } [${record.actor}] ${record.msg}`;
  if (record.fields !== undefined) {
    for (const [k, v] of Object.entries(record.fields)) line += ` ${k}=${quoteValue(v)}`;
  }
  return line;
}

/** One record as a JSON line. */
export function formatJson(record: LogRecord): string {
  return JSON.stringify(record);
}

/** syslog priorities (sd-daemon(3) prefixes) of the log levels. */
export const SYSLOG_PRIORITY: Record<LogLevel, number> = { debug: 7, info: 6, warn: 4, error: 3 };

/** Whether stderr is journald's stream: systemd sets $JOURNAL_STREAM to its "device:inode". */
export function stderrIsJournal(): boolean {
  const stream = Deno.env.get("JOURNAL_STREAM");
  if (stream === undefined || stream === "") return false;
  try {
    const s = fstatSync(2);
    return `${s.dev}:${s.ino}` === stream;
  } catch {
    return false;
  }
}

/** Where the process writes its logs: stderr, text on a TTY and JSON lines elsewhere. */
export function stderrSink(format: "auto" | "json" | "text" = "auto"): LogSink {
  const tty = Deno.stderr.isTerminal();
  const json = format === "json" || (format === "auto" && !tty);
  const colour = tty && !json && Deno.env.get("NO_COLOR") === undefined;
  const journal = !tty && stderrIsJournal();
  const encoder = new TextEncoder();
  return (record) => {
    const text = json ? formatJson(record) : formatText(record, colour);
    const line = journal ? `<${SYSLOG_PRIORITY[record.level]}>${text}` : text;
    try {
      const bytes = encoder.encode(line + "\n");
      for (let at = 0; at < bytes.length;) at += Deno.stderr.writeSync(bytes.subarray(at));
    } catch {
      // stderr closed (the service manager went away): nothing better to do.
    }
  };
}
