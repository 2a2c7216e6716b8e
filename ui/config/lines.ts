/**
 * Where each key of a TOML document is: `camera[1].rtp[0].port` → line 14.
 * A line scanner, not a parser: smol-toml has already accepted the text, so
 * only table headers and `key =` lines matter. Keys inside multi-line
 * arrays and inline tables map to the line where their value starts.
 *
 * @module
 */

const HEADER = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;
const KEY = /^\s*([A-Za-z0-9_\-."']+?)\s*=/;

function unquote(part: string): string {
  const p = part.trim();
  return (p.startsWith('"') && p.endsWith('"')) || (p.startsWith("'") && p.endsWith("'"))
    ? p.slice(1, -1)
    : p;
}

function dotted(key: string): string[] {
  return key.split(".").map(unquote);
}

/** Maps key paths to 1-based line numbers. */
export function keyLines(text: string): Map<string, number> {
  const lines = text.split("\n");
  const where = new Map<string, number>();
  // Count of [[array]] entries seen, per array path (with parent indices resolved).
  const counts = new Map<string, number>();
  let table = "";
  let depth = 0; // open brackets/braces of a value spanning lines
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (depth === 0) {
      const h = HEADER.exec(line);
      if (h !== null) {
        const parts = dotted(h[2]);
        table = resolve(parts, counts, h[1] === "[[");
        if (!where.has(table)) where.set(table, i + 1);
        continue;
      }
      const k = KEY.exec(line);
      if (k !== null) {
        const path = table === "" ? dotted(k[1]).join(".") : `${table}.${dotted(k[1]).join(".")}`;
        where.set(path, i + 1);
      }
    }
    depth = Math.max(0, depth + bracketBalance(line));
  }
  return where;
}

/**
 * The nearest line for a path: the key itself, the first table of an array
 * of tables (`detection.zone` → `[[detection.zone]]`), else its closest
 * ancestor.
 */
export function lineOf(where: Map<string, number>, path: string): number | undefined {
  let p = path;
  for (;;) {
    const line = where.get(p) ?? where.get(`${p}[0]`);
    if (line !== undefined) return line;
    const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
    if (cut <= 0) return undefined;
    p = p.slice(0, cut);
  }
}

function resolve(parts: string[], counts: Map<string, number>, isArray: boolean): string {
  // Each prefix that names an array of tables refers to its latest entry.
  let path = "";
  for (let j = 0; j < parts.length; j++) {
    const plain = path === "" ? parts[j] : `${path}.${parts[j]}`;
    const last = j === parts.length - 1;
    if (last && isArray) {
      const n = (counts.get(plain) ?? 0) + 1;
      counts.set(plain, n);
      path = `${plain}[${n - 1}]`;
    } else if (counts.has(plain)) {
      path = `${plain}[${counts.get(plain)! - 1}]`;
    } else {
      path = plain;
    }
  }
  return path;
}

/** Net opening brackets on a line, ignoring strings and comments. */
function bracketBalance(line: string): number {
  let n = 0;
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== "") {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === "#") break;
    if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") n++;
    else if (c === "]" || c === "}") n--;
  }
  return n;
}
