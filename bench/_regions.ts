// The mappings of /proc/PID/smaps with their resident and anonymous memory, and which changed
// between two readings: for finding where a running process's memory grows.

/** One mapping: its resident and anonymous kB and a name (permissions, path or [anon], size). */
export interface Region {
  rss: number;
  anon: number;
  name: string;
}

/** The mappings of `pid`, by start address. */
export function regions(pid: number): Map<string, Region> {
  const text = Deno.readTextFileSync(`/proc/${pid}/smaps`);
  const out = new Map<string, Region>();
  let key: string | null = null;
  for (const line of text.split("\n")) {
    const m = line.match(/^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/);
    if (m) {
      key = m[1];
      const size = (parseInt(m[2], 16) - parseInt(m[1], 16)) / 1048576;
      out.set(key, { rss: 0, anon: 0, name: `${m[3]} ${m[4] || "[anon]"} ${size.toFixed(1)}M` });
      continue;
    }
    const r = line.match(/^(Rss|Anonymous):\s+(\d+) kB/);
    const e = key === null ? undefined : out.get(key);
    if (r && e) {
      if (r[1] === "Rss") e.rss = Number(r[2]);
      else e.anon = Number(r[2]);
    }
  }
  return out;
}

/**
 * The changes of anonymous memory from `a` to `b`, largest first, as lines; the first line sums
 * them by kind: the main malloc arena ([heap]), mappings that existed in both, new ones (V8 pages,
 * thread stacks and arenas, SharedArrayBuffers) and ones gone.
 */
export function diffRegions(a: Map<string, Region>, b: Map<string, Region>): string[] {
  const diffs: [number, string][] = [];
  const sum = { heap: 0, kept: 0, new: 0, gone: 0 };
  for (const [k, e] of b) {
    const before = a.get(k)?.anon ?? 0;
    const d = e.anon - before;
    if (e.name.includes("[heap]")) sum.heap += d;
    else if (a.has(k)) sum.kept += d;
    else sum.new += d;
    diffs.push([d, `${e.name} ${before}→${e.anon} kB${a.has(k) ? "" : " (new)"}`]);
  }
  for (const [k, e] of a) {
    if (b.has(k)) continue;
    sum.gone -= e.anon;
    diffs.push([-e.anon, `${e.name} gone (${e.anon} kB)`]);
  }
  diffs.sort((x, y) => Math.abs(y[0]) - Math.abs(x[0]));
  const mb = (kb: number) => (kb / 1024).toFixed(1);
  return [
    `by kind, MB: [heap] ${mb(sum.heap)}, mappings in both ${mb(sum.kept)}, new ${mb(sum.new)}, ` +
    `gone ${mb(sum.gone)}`,
    ...diffs.map(([d, s]) => `${mb(d)} MB  ${s}`),
  ];
}
