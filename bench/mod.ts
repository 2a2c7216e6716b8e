// `deno task bench` runs every bench/*_bench.ts in turn, each in its own
// process (so one bench's heap, JIT and threads never colour the next);
// `deno task bench <name>… [--option value…]` runs bench/<name>_bench.ts only,
// handing it everything from the first `--` argument on (`deno task bench
// soak --minutes 5`; a lone `--` before them is dropped). The soak (an hour) runs only when named. Exits 1 if any
// bench failed, 2 for an unknown name.

const DIR = new URL(".", import.meta.url).pathname;
/** Benches that run only when named: the soak takes an hour, memgrowth is a probe. */
const ON_REQUEST = ["soak", "memgrowth", "userrun"];

async function benches(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(DIR)) {
    const m = /^(.+)_bench\.ts$/.exec(e.name);
    if (e.isFile && m !== null) names.push(m[1]);
  }
  return names.sort();
}

async function main(argv: string[]): Promise<number> {
  const all = await benches();
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(`usage: deno task bench [name…] [--option value…]\nbenches: ${all.join(", ")}`);
    return 0;
  }
  const firstOption = argv.findIndex((a) => a.startsWith("--"));
  const args = firstOption < 0 ? argv : argv.slice(0, firstOption);
  const options = firstOption < 0
    ? []
    : argv.slice(firstOption).filter((a, i) => i > 0 || a !== "--");
  const unknown = args.filter((a) => !all.includes(a));
  if (unknown.length > 0) {
    console.error(`bench: no bench named ${unknown.join(", ")}; there are: ${all.join(", ")}`);
    return 2;
  }
  const chosen = args.length > 0 ? args : all.filter((b) => !ON_REQUEST.includes(b));
  const failed: string[] = [];
  for (const name of chosen) {
    console.log(`\n## ${name}\n`);
    const started = performance.now();
    const status = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${DIR}${name}_bench.ts`, ...options],
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
    const s = ((performance.now() - started) / 1000).toFixed(1);
    console.error(
      `bench: ${name} ${status.success ? "done" : `failed (exit ${status.code})`} in ${s} s`,
    );
    if (!status.success) failed.push(name);
  }
  if (failed.length > 0) console.error(`bench: failed: ${failed.join(", ")}`);
  return failed.length > 0 ? 1 : 0;
}

Deno.exit(await main(Deno.args));
