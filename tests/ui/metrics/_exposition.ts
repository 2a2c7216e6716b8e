/**
 * A strict reader of the Prometheus text exposition format 0.0.4
 * (prometheus/docs exposition_formats.md, and what Prometheus' own text
 * parser rejects). Throws a SyntaxError naming the line for anything that is
 * not exactly right:
 * - lines end with "\n", the input too; no empty lines, no trailing spaces;
 * - `# HELP name text` and `# TYPE name type` at most once per family,
 *   before its samples; HELP escapes only `\\` and `\n`;
 * - metric and label names match their grammars; label values escape only
 *   `\\`, `\"` and `\n`; no label twice in a sample;
 * - values parse as Go floats (or NaN, +Inf, -Inf); an optional integer
 *   timestamp;
 * - a family's samples are contiguous; no series appears twice;
 * - counter samples are ≥ 0 and not NaN.
 * On top, eyrie's own rules: every family has HELP and TYPE, and is `eyrie_…`.
 */

export interface ParsedFamily {
  name: string;
  type: string;
  help: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|Inf|NaN)$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (text.length > 0 && !text.endsWith("\n")) throw new SyntaxError("Input must end with \\n");
  const families = new Map<string, ParsedFamily>();
  const seen = new Set<string>();
  const closed = new Set<string>();
  let current: string | undefined;
  const lines = text.split("\n").slice(0, -1);
  lines.forEach((line, i) => {
    const fail = (why: string): never => {
      throw new SyntaxError(`line ${i + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line === "") fail("empty line");
    if (line !== line.trimEnd()) fail("trailing whitespace");
    const family = (name: string) => {
      if (!METRIC_NAME.test(name)) fail(`bad metric name "${name}"`);
      if (closed.has(name)) fail(`family ${name} continues after another family`);
      if (current !== undefined && current !== name) closed.add(current);
      current = name;
      let f = families.get(name);
      if (f === undefined) {
        f = { name, type: "", help: "", samples: [] };
        families.set(name, f);
      }
      return f;
    };
    if (line.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (m === null) return; // a plain comment
      const f = family(m[2]);
      if (f.samples.length > 0) fail(`${m[1]} after samples of ${f.name}`);
      if (m[1] === "TYPE") {
        if (f.type !== "") fail("second TYPE");
        if (!TYPES.has(m[3])) fail(`unknown type "${m[3]}"`);
        f.type = m[3];
      } else {
        if (f.help !== "") fail("second HELP");
        if (/\\[^\\n]/.test(m[3].replaceAll("\\\\", ""))) fail("bad escape in HELP");
        f.help = m[3].replaceAll("\\n", "\n").replaceAll("\\\\", "\\");
        if (f.help === "") fail("empty HELP");
      }
      return;
    }
    const { name, labels, rest } = readSeries(line, fail);
    const f = family(name);
    const parts = rest.split(" ");
    if (parts.length < 1 || parts.length > 2 || !FLOAT.test(parts[0])) fail("bad value");
    if (parts.length === 2 && !/^-?\d+$/.test(parts[1])) fail("bad timestamp");
    const value = parts[0].endsWith("Inf")
      ? (parts[0].startsWith("-") ? -Infinity : Infinity)
      : Number(parts[0]);
    if (f.type === "counter" && !(value >= 0)) fail("counter below 0 or NaN");
    const key = name + JSON.stringify(Object.entries(labels).sort());
    if (seen.has(key)) fail("series appears twice");
    seen.add(key);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) {
    if (!f.name.startsWith("eyrie_")) throw new SyntaxError(`${f.name} is not eyrie_…`);
    if (f.type === "" || f.help === "") throw new SyntaxError(`${f.name} lacks TYPE or HELP`);
  }
  return families;
}

function readSeries(line: string, fail: (why: string) => never) {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{|\s)/.exec(line);
  if (m === null) fail("no metric name");
  const name = m![1];
  const labels: Record<string, string> = {};
  let at = name.length;
  if (line[at] === "{") {
    at++;
    while (line[at] !== "}") {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(at));
      if (lm === null || !LABEL_NAME.test(lm[1])) fail("bad label name");
      if (lm![1] in labels) fail(`label ${lm![1]} twice`);
      at += lm![0].length;
      let value = "";
      for (;;) {
        const ch = line[at++];
        if (ch === undefined) fail("unterminated label value");
        if (ch === '"') break;
        if (ch === "\\") {
          const e = line[at++];
          if (e === "\\") value += "\\";
          else if (e === '"') value += '"';
          else if (e === "n") value += "\n";
          else fail("bad escape in a label value");
        } else value += ch;
      }
      labels[lm![1]] = value;
      if (line[at] === ",") at++;
      else if (line[at] !== "}") fail("expected , or } after a label");
    }
    at++;
  }
  if (line[at] !== " ") fail("expected one space before the value");
  return { name, labels, rest: line.slice(at + 1) };
}
