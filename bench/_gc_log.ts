// Reads V8's --trace-gc lines (`[pid:0xISOLATE]  T ms: Kind A (B) -> C (D) MB, …`): the heap of
// each isolate (the main thread's and each Worker's) after its collections, over time.

/** One isolate's heap after a collection: used and committed MB, at `ms` since it started. */
export interface GcPoint {
  ms: number;
  kind: string;
  usedMB: number;
  committedMB: number;
}

const LINE =
  /^\[\d+:(0x[0-9a-f]+)\]\s+(\d+) ms: (\S+(?: \([^)]*\))?) [\d.]+ \([\d.]+\) -> ([\d.]+) \(([\d.]+)\) MB/;

/** The collections in `text`, by isolate address. */
export function parseGcLog(text: string): Map<string, GcPoint[]> {
  const out = new Map<string, GcPoint[]>();
  for (const line of text.split("\n")) {
    const m = LINE.exec(line);
    if (m === null) continue;
    const points = out.get(m[1]) ?? [];
    points.push({ ms: Number(m[2]), kind: m[3], usedMB: Number(m[4]), committedMB: Number(m[5]) });
    out.set(m[1], points);
  }
  return out;
}

/** Per isolate: its committed heap at the last collection before each `everyMs` mark. */
export function gcTable(byIsolate: Map<string, GcPoint[]>, everyMs: number): string[] {
  const end = Math.max(...[...byIsolate.values()].map((p) => p.at(-1)?.ms ?? 0));
  const marks: number[] = [];
  for (let t = everyMs; t <= end + everyMs; t += everyMs) marks.push(t);
  const lines = [
    `| isolate | collections | ${marks.map((t) => `${t / 60_000} min`).join(" | ")} |`,
  ];
  for (const [isolate, points] of byIsolate) {
    const cells = marks.map((t) => {
      const p = points.filter((q) => q.ms <= t).at(-1);
      return p === undefined ? "–" : `${p.usedMB} (${p.committedMB})`;
    });
    lines.push(`| ${isolate} | ${points.length} | ${cells.join(" | ")} |`);
  }
  return lines;
}

if (import.meta.main) {
  const [path, every = "60000"] = Deno.args;
  for (const l of gcTable(parseGcLog(Deno.readTextFileSync(path)), Number(every))) console.log(l);
}
