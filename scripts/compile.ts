/**
 * `deno task compile [--target T]… [--out DIR] [--no-check]`: single
 * binaries of eyrie, dist/eyrie-<target>, for x86_64 and aarch64 Linux.
 *
 * `deno compile` joins the program to `denort`, Deno's runtime, which it
 * downloads from dl.deno.land for each target. Where that cannot be reached,
 * set DENORT_BIN to a denort file (its ELF machine picks the target) or to a
 * folder of `denort-<target>` files (one per target).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  compileArgs,
  denortZip,
  elfTarget,
  excludes,
  findWorkers,
  type GraphInfo,
  type Target,
  TARGETS,
} from "./_compile_plan.ts";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const USAGE = "usage: deno task compile [--target T]… [--out DIR] [--no-check]\n" +
  `  targets: ${Object.keys(TARGETS).join(", ")} (default: both, or DENORT_BIN's)`;

class CompileError extends Error {}

/** Text only the deno CLI carries (its help), not the denort runtime. */
const CLI_MARK = new TextEncoder().encode("Compile the script into a self contained executable");

interface Runtime {
  target: Target;
  /** undefined: let deno compile download it. */
  denort: string | undefined;
}

async function runtimes(requested: Target[]): Promise<Runtime[]> {
  const env = Deno.env.get("DENORT_BIN");
  if (env === undefined || env === "") {
    return (requested.length > 0 ? requested : Object.keys(TARGETS) as Target[])
      .map((target) => ({ target, denort: undefined }));
  }
  const path = resolve(env);
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch {
    throw new CompileError(`DENORT_BIN=${env}: no such file or folder`);
  }
  if (info.isDirectory) {
    const targets = requested.length > 0 ? requested : Object.keys(TARGETS) as Target[];
    const out: Runtime[] = [];
    for (const target of targets) {
      const file = join(path, `denort-${target}`);
      out.push({
        target: await checkElf(file, target, `DENORT_BIN=${env}/denort-${target}`),
        denort: file,
      });
    }
    return out;
  }
  const head = await readHead(path);
  const target = elfTarget(head);
  if (target === undefined) {
    throw new CompileError(
      `DENORT_BIN=${env} is not a Linux x86_64 or aarch64 executable (the denort file from ${
        denortZip("x86_64-unknown-linux-gnu")
      } or ${denortZip("aarch64-unknown-linux-gnu")})`,
    );
  }
  if (requested.length > 0 && requested.some((t) => t !== target)) {
    throw new CompileError(
      `DENORT_BIN=${env} is the runtime for ${target}, but --target asks for ${
        requested.join(", ")
      }; point DENORT_BIN at a folder of denort-<target> files to build several`,
    );
  }
  if (requested.length === 0) {
    console.error(`compile: DENORT_BIN is a ${target} runtime: building ${target} only`);
  }
  return [{ target, denort: path }];
}

async function checkElf(file: string, want: Target, name: string): Promise<Target> {
  let head: Uint8Array;
  try {
    head = await readHead(file);
  } catch {
    throw new CompileError(`${name}: no such file (unzip ${denortZip(want)} there)`);
  }
  const got = elfTarget(head);
  if (got !== want) throw new CompileError(`${name} is not a ${want} executable`);
  return got;
}

async function readHead(file: string): Promise<Uint8Array> {
  using f = await Deno.open(file);
  const head = new Uint8Array(64);
  const n = (await f.read(head)) ?? 0;
  return head.subarray(0, n);
}

/** Whether `file` is the deno CLI rather than denort (it then runs the CLI, not eyrie). */
async function isDenoCli(file: string): Promise<boolean> {
  const bytes = await Deno.readFile(file);
  const first = CLI_MARK[0];
  for (let i = bytes.indexOf(first); i >= 0; i = bytes.indexOf(first, i + 1)) {
    let j = 1;
    while (j < CLI_MARK.length && bytes[i + j] === CLI_MARK[j]) j++;
    if (j === CLI_MARK.length) return true;
  }
  return false;
}

async function graph(modules: string[]): Promise<GraphInfo> {
  const all: GraphInfo = { modules: [], npmPackages: {} };
  for (const m of modules) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--node-modules-dir=none", "--json", m],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new CompileError(
        `deno info ${m} failed: ${new TextDecoder().decode(out.stderr).trim().split("\n")[0]}`,
      );
    }
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as GraphInfo;
    all.modules.push(...info.modules);
    Object.assign(all.npmPackages, info.npmPackages);
  }
  return all;
}

/** The first cause deno compile names, without its colour codes. */
function cause(output: string): string {
  // deno-lint-ignore no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const end = plain.indexOf("Stack backtrace:");
  const lines = (end >= 0 ? plain.slice(0, end) : plain).split("\n").map((l) => l.trim());
  const caused = lines.findIndex((l) => l.startsWith("Caused by:"));
  const deepest = caused >= 0
    ? lines.slice(caused + 1).filter((l) => /^\d+:/.test(l)).at(-1)?.replace(/^\d+:\s*/, "")
    : undefined;
  return deepest ?? lines.find((l) => l.startsWith("error:"))?.slice(6).trim() ?? "unknown error";
}

async function build(
  rt: Runtime,
  outDir: string,
  check: boolean,
  includes: string[],
  mods: GraphInfo,
) {
  const output = join(outDir, `eyrie-${rt.target}`);
  const args = compileArgs({
    target: rt.target,
    output,
    includes,
    excludes: await excludes(mods, rt.target),
    check,
  });
  // Only the runtime chosen here: an empty or stale DENORT_BIN must not reach deno compile.
  const env = Deno.env.toObject();
  delete env.DENORT_BIN;
  env.NO_COLOR = "1";
  if (rt.denort !== undefined) {
    env.DENORT_BIN = rt.denort;
    if (await isDenoCli(rt.denort)) {
      console.error(
        `compile: warning: DENORT_BIN=${rt.denort} is the deno CLI, not denort: ` +
          "the binary will start the deno CLI, not eyrie",
      );
    }
  }
  const excluded = args.filter((a) => a === "--exclude").length;
  console.error(
    `compile: ${rt.target}: ${includes.length} Worker modules included, ${excluded} paths ` +
      `left out (run with DEBUG_COMPILE=1 to see the command)`,
  );
  if (Deno.env.get("DEBUG_COMPILE") === "1") console.error(`deno ${args.join(" ")}`);
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
  const result = await child.output();
  const text = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
  if (!result.success) {
    const why = cause(text);
    if (rt.denort === undefined && /dl\.deno\.land|base binary|denort/i.test(text)) {
      throw new CompileError(
        `cannot get the Deno runtime (denort) for ${rt.target}: deno compile downloads ` +
          `${
            denortZip(rt.target)
          } for Deno ${Deno.version.deno} from dl.deno.land, and that failed ` +
          `(${why}). Download it where it can be reached, unzip it, and run again with ` +
          `DENORT_BIN=/path/to/denort (or DENORT_BIN=/folder holding denort-<target> files)`,
      );
    }
    throw new CompileError(`deno compile for ${rt.target} failed: ${why}`);
  }
  const size = (await Deno.stat(output)).size;
  console.log(`built ${output} (${(size / 2 ** 20).toFixed(1)} MiB)`);
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        target: { type: "string", multiple: true },
        out: { type: "string" },
        "no-check": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    console.error(`compile: ${(e as Error).message.split(". ")[0]}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const requested = (values.target ?? []) as string[];
  const unknown = requested.find((t) => !(t in TARGETS));
  if (unknown !== undefined) {
    console.error(`compile: unknown target "${unknown}"\n${USAGE}`);
    return 2;
  }
  try {
    const rts = await runtimes(requested as Target[]);
    const outDir = resolve(values.out ?? join(ROOT, "dist"));
    await Deno.mkdir(outDir, { recursive: true });
    const includes = await findWorkers(ROOT);
    const mods = await graph(["main.ts", ...includes]);
    for (const rt of rts) await build(rt, outDir, values["no-check"] !== true, includes, mods);
    return 0;
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    console.error(`compile: ${e.message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
