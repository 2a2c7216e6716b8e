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
