// A child cgroup that stands in for a small machine: a memory ceiling and a
// CPU quota for one process tree, made under this process's own cgroup (so
// it counts against whatever limits the session already has) and removed
// afterwards. cgroup v2 when its memory and cpu controllers can be used
// (memory.max, cpu.max, memory.events), else v1 (memory.limit_in_bytes,
// cpu.cfs_quota_us, memory.oom_control). Needs root.

export interface CgroupLimits {
  memoryBytes: number;
  /** CPU time per period, µs: 100_000 of a 100_000 period is one core. */
  cpuQuotaUs: number;
  cpuPeriodUs: number;
}

export interface CgroupReport {
  version: "v1" | "v2";
  /** Processes the kernel's OOM killer ended inside the cgroup. */
  oomKills: number;
  /** Times the memory ceiling was hit (v1 failcnt, v2 "max" events). */
  memoryLimitHits: number;
  /** Highest memory charged to the cgroup, bytes (page cache included), when the kernel says. */
  peakBytes: number | null;
  /** CFS periods in which the group ran out of quota, and of how many. */
  throttledPeriods: number;
  periods: number;
}

export interface Cgroup {
  version: "v1" | "v2";
  /** The directories made (one for v2; memory and cpu for v1). */
  dirs: string[];
  /** `sh -c` prefix that moves the shell into the cgroup before it execs the command. */
  enterScript: string;
  report(): CgroupReport;
  /** Removes the cgroup directories (the processes must have ended). */
  remove(): Promise<void>;
}

function read(path: string): string {
  return Deno.readTextFileSync(path).trim();
}

function field(text: string, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, "m").exec(text);
  return m === null ? 0 : Number(m[1]);
}

/** This process's cgroup path in the hierarchy of `controller` ("" for v2's unified line). */
function ownPath(controller: string): string | null {
  for (const line of read("/proc/self/cgroup").split("\n")) {
    const [, controllers, path] = line.split(":");
    if (controllers === undefined) continue;
    if (controller === "" ? controllers === "" : controllers.split(",").includes(controller)) {
      return path;
    }
  }
  return null;
}

function write(path: string, value: string): void {
  Deno.writeTextFileSync(path, value);
  const back = read(path);
  if (!back.startsWith(value.split(" ")[0])) {
    throw new Error(`${path}: wrote ${value}, reads back ${back}`);
  }
}

function tryV2(name: string, limits: CgroupLimits): Cgroup | string {
  const root = "/sys/fs/cgroup";
  let controllers: string;
  try {
    controllers = read(`${root}/cgroup.controllers`);
  } catch {
    return "no cgroup v2 hierarchy at /sys/fs/cgroup";
  }
  const own = ownPath("");
  if (own === null) return "this process is in no cgroup v2 group";
  for (const c of ["memory", "cpu"]) {
    if (!controllers.split(" ").includes(c)) return `cgroup v2 has no ${c} controller here`;
  }
  const parent = `${root}${own}`;
  const enabled = read(`${parent}/cgroup.subtree_control`).split(" ");
  if (!enabled.includes("memory") || !enabled.includes("cpu")) {
    return `cgroup v2: ${parent} does not delegate memory and cpu to its children`;
  }
  const dir = `${parent}/${name}`;
  Deno.mkdirSync(dir);
  try {
    write(`${dir}/memory.max`, String(limits.memoryBytes));
    write(`${dir}/cpu.max`, `${limits.cpuQuotaUs} ${limits.cpuPeriodUs}`);
  } catch (e) {
    Deno.removeSync(dir);
    return `cgroup v2: ${(e as Error).message}`;
  }
  return {
    version: "v2",
    dirs: [dir],
    enterScript: `echo $$ > ${dir}/cgroup.procs`,
    report() {
      const events = read(`${dir}/memory.events`);
      const cpu = read(`${dir}/cpu.stat`);
      let peak: number | null = null;
      try {
        peak = Number(read(`${dir}/memory.peak`));
      } catch { /* kernels before 5.19 have no memory.peak */ }
      return {
        version: "v2",
        oomKills: field(events, "oom_kill"),
        memoryLimitHits: field(events, "max"),
        peakBytes: peak,
        throttledPeriods: field(cpu, "nr_throttled"),
        periods: field(cpu, "nr_periods"),
      };
    },
    remove: () => removeWhenEmpty([dir]),
  };
}

function tryV1(name: string, limits: CgroupLimits): Cgroup | string {
  const memOwn = ownPath("memory");
  const cpuOwn = ownPath("cpu");
  if (memOwn === null || cpuOwn === null) return "cgroup v1: no memory or cpu hierarchy";
  const memRoot = "/sys/fs/cgroup/memory";
  const cpuRoot = ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"].find((p) => {
    try {
      return Deno.statSync(`${p}/cpu.cfs_quota_us`).isFile;
    } catch {
      return false;
    }
  });
  if (cpuRoot === undefined) return "cgroup v1: the cpu controller is not mounted";
  const mem = `${memRoot}${memOwn}/${name}`;
  const cpu = `${cpuRoot}${cpuOwn}/${name}`;
  const made: string[] = [];
  try {
    Deno.mkdirSync(mem);
    made.push(mem);
    Deno.mkdirSync(cpu);
    made.push(cpu);
    write(`${mem}/memory.limit_in_bytes`, String(limits.memoryBytes));
    write(`${cpu}/cpu.cfs_period_us`, String(limits.cpuPeriodUs));
    write(`${cpu}/cpu.cfs_quota_us`, String(limits.cpuQuotaUs));
  } catch (e) {
    for (const d of made.reverse()) Deno.removeSync(d);
    return `cgroup v1: ${(e as Error).message}`;
  }
  return {
    version: "v1",
    dirs: [mem, cpu],
    enterScript: `echo $$ > ${mem}/cgroup.procs && echo $$ > ${cpu}/cgroup.procs`,
    report() {
      const cpuStat = read(`${cpu}/cpu.stat`);
      return {
        version: "v1",
        // "oom_kill N" appeared in memory.oom_control with Linux 4.13.
        oomKills: field(read(`${mem}/memory.oom_control`), "oom_kill"),
        memoryLimitHits: Number(read(`${mem}/memory.failcnt`)),
        peakBytes: Number(read(`${mem}/memory.max_usage_in_bytes`)),
        throttledPeriods: field(cpuStat, "nr_throttled"),
        periods: field(cpuStat, "nr_periods"),
      };
    },
    remove: () => removeWhenEmpty([mem, cpu]),
  };
}

/** rmdir each cgroup once the kernel has let go of its last process (it may take a moment). */
async function removeWhenEmpty(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    for (let attempt = 0;; attempt++) {
      try {
        Deno.removeSync(dir);
        break;
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) break;
        if (attempt >= 50) throw new Error(`cannot remove cgroup ${dir}: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

/** A child cgroup with `limits`, or the reason none can be made here. */
export function makeCgroup(name: string, limits: CgroupLimits): Cgroup | string {
  const v2 = tryV2(name, limits);
  if (typeof v2 !== "string") return v2;
  const v1 = tryV1(name, limits);
  if (typeof v1 !== "string") return v1;
  return `${v2}; ${v1}`;
}
