// CPU time and resident memory of a process, from /proc (Linux).

const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

/** User + system CPU seconds a process (all its threads) has used. */
export function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident set size in MiB. */
export function rssMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) / 1024;
}

/** Share of one core a process used over `ms` of wall time (measured now). */
export async function cpuShare(pid: number, ms: number): Promise<number> {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return (cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000);
}

/** p-quantile of numbers (nearest rank). */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Open file descriptors of a process. */
export function fdCount(pid: number): number {
  let n = 0;
  for (const _ of Deno.readDirSync(`/proc/${pid}/fd`)) n++;
  return n;
}

/** Threads of a process. */
export function threadCount(pid: number): number {
  let n = 0;
  for (const _ of Deno.readDirSync(`/proc/${pid}/task`)) n++;
  return n;
}

/** CPU seconds per thread name (`/proc/<pid>/task/<tid>/comm`), threads of one name summed. */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of Deno.readDirSync(`/proc/${pid}/task`)) {
    let stat: string, comm: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/stat`);
      comm = Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/comm`).trim();
    } catch {
      continue; // the thread ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const s = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    out.set(comm, (out.get(comm) ?? 0) + s);
  }
  return out;
}

/**
 * Share of one core each thread name used over `ms` of wall time, largest
 * first (threads that started or ended meanwhile count from zero).
 */
export async function threadShares(pid: number, ms: number): Promise<[string, number][]> {
  const a = threadCpuSeconds(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const b = threadCpuSeconds(pid);
  const secs = (performance.now() - t0) / 1000;
  return [...b].map(([name, s]): [string, number] => [name, (s - (a.get(name) ?? 0)) / secs])
    .filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1]);
}
