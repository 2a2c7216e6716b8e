// glibc's own account of a running process's malloc (malloc_info(3) called through gdb, which
// stops the process for a moment): each arena's memory from the system and what of it is free,
// and the blocks that have pages of their own (mmap). Tells memory malloc keeps but nobody uses
// (free in the arenas) from memory in use, and which arena grows.

/** One arena: bytes it has from the system and bytes free in it. */
export interface Arena {
  nr: number;
  systemBytes: number;
  freeBytes: number;
}

/** malloc's arenas and its mmapped blocks. */
export interface MallocInfo {
  arenas: Arena[];
  mmapCount: number;
  mmapBytes: number;
}

/** Parses malloc_info(0, …)'s XML. */
export function parseMallocInfo(xml: string): MallocInfo {
  const arenas: Arena[] = [];
  for (const [, nr, body] of xml.matchAll(/<heap nr="(\d+)">([\s\S]*?)<\/heap>/g)) {
    const free = [...body.matchAll(/<total type="(?:fast|rest)" count="\d+" size="(\d+)"\/>/g)]
      .reduce((a, m) => a + Number(m[1]), 0);
    const system = Number(/<system type="current" size="(\d+)"\/>/.exec(body)?.[1] ?? 0);
    arenas.push({ nr: Number(nr), systemBytes: system, freeBytes: free });
  }
  const tail = xml.slice(xml.lastIndexOf("</heap>"));
  const mmap = /<total type="mmap" count="(\d+)" size="(\d+)"\/>/.exec(tail);
  return { arenas, mmapCount: Number(mmap?.[1] ?? 0), mmapBytes: Number(mmap?.[2] ?? 0) };
}

/** Calls malloc_info in `pid` through gdb; null when gdb is missing or cannot attach. */
export async function mallocInfo(pid: number): Promise<MallocInfo | null> {
  const file = await Deno.makeTempFile({ prefix: "eyrie-malloc-info-", suffix: ".xml" });
  try {
    const out = await new Deno.Command("gdb", {
      args: [
        "-p",
        String(pid),
        "-batch",
        "-ex",
        `set $f = (void*)fopen("${file}", "w")`,
        "-ex",
        "call (int)malloc_info(0, $f)",
        "-ex",
        "call (int)fclose($f)",
      ],
      stdout: "null",
      stderr: "null",
    }).output().catch(() => null);
    if (out === null || !out.success) return null;
    const xml = await Deno.readTextFile(file);
    return xml.includes("<malloc") ? parseMallocInfo(xml) : null;
  } finally {
    await Deno.remove(file).catch(() => {});
  }
}

/** What changed between two readings, as lines (MB): arenas that grew, and the mmapped blocks. */
export function diffMallocInfo(a: MallocInfo, b: MallocInfo): string[] {
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const sum = (m: MallocInfo, k: "systemBytes" | "freeBytes") =>
    m.arenas.reduce((s, x) => s + x[k], 0);
  const lines = [
    `arenas ${a.arenas.length} → ${b.arenas.length}: from the system ${mb(sum(a, "systemBytes"))}` +
    ` → ${mb(sum(b, "systemBytes"))} MB, free in them ${mb(sum(a, "freeBytes"))} → ${
      mb(sum(b, "freeBytes"))
    } MB; mmapped blocks ${a.mmapCount} → ${b.mmapCount}, ${mb(a.mmapBytes)} → ${
      mb(b.mmapBytes)
    } MB`,
  ];
  for (const x of b.arenas) {
    const y = a.arenas.find((z) => z.nr === x.nr) ?? { nr: x.nr, systemBytes: 0, freeBytes: 0 };
    if (Math.abs(x.systemBytes - y.systemBytes) < 256 * 1024) continue;
    lines.push(
      `arena ${x.nr}: ${mb(y.systemBytes)} → ${mb(x.systemBytes)} MB (free ${mb(y.freeBytes)} → ${
        mb(x.freeBytes)
      })`,
    );
  }
  return lines;
}
