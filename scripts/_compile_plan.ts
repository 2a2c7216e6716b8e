/**
 * What `deno task compile` passes to `deno compile`, worked out from the
 * source tree: the Worker modules to --include (every `*_WORKER = new
 * URL("./…", import.meta.url)`), and what to --exclude (onnxruntime's
 * binaries for other platforms). Pure but for reading the tree.
 *
 * @module
 */
import { dirname, join, relative, resolve } from "node:path";

/** The targets eyrie ships for, with the ELF machine of each (e_machine). */
export const TARGETS = {
  "x86_64-unknown-linux-gnu": { elfMachine: 62, onnx: "linux/x64" },
  "aarch64-unknown-linux-gnu": { elfMachine: 183, onnx: "linux/arm64" },
} as const;
export type Target = keyof typeof TARGETS;

/**
 * The permissions the binary is built with: those of `deno task eyrie`, and
 * `--unstable-net` for the QUIC forward (Deno.QuicEndpoint, Deno.connectQuic).
 */
export const PERMISSIONS = [
  "--unstable-net",
  "--allow-ffi",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
  "--allow-run",
];

/** Source folders that may declare Workers (tests and benches are not shipped). */
const SOURCE_DIRS = ["actors", "ui", "transports", "ffi", "certs"];
const WORKER_URL = /_WORKER\s*=\s*new URL\(\s*"(\.{1,2}\/[^"]+)",\s*import\.meta\.url\s*\)/g;

/** Every Worker module of the source tree, relative to `root`, sorted. */
export async function findWorkers(root: string): Promise<string[]> {
  const found = new Set<string>();
  for (const dir of SOURCE_DIRS) {
    for await (const file of walk(join(root, dir))) {
      if (!file.endsWith(".ts")) continue;
      const text = await Deno.readTextFile(file);
      for (const m of text.matchAll(WORKER_URL)) {
        found.add(relative(root, resolve(dirname(file), m[1])));
      }
    }
  }
  return [...found].sort();
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) yield* walk(path);
    else if (e.isFile) yield path;
  }
}

/** `deno info --json` output, the parts used here. */
export interface GraphInfo {
  modules: { kind: string; npmPackage?: string }[];
  npmPackages: Record<string, { dependencies: string[]; localPath?: string }>;
}

/** npm packages (name@version) reachable from the graph's modules. */
export function reachablePackages(info: GraphInfo): Set<string> {
  const keep = new Set<string>();
  const todo = info.modules.flatMap((m) => (m.npmPackage === undefined ? [] : [m.npmPackage]));
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (keep.has(id)) continue;
    keep.add(id);
    todo.push(...(info.npmPackages[id]?.dependencies ?? []));
  }
  return keep;
}

/** The one file of npm hls.js that eyrie serves (ui/console/hls_js.ts imports it as text). */
export const HLS_JS_FILE = "dist/hls.light.min.js";

/**
 * What to leave out beyond the npm packages main.ts cannot reach (those
 * --exclude-unused-npm drops): onnxruntime-node's native binaries for every
 * platform but `target`'s (about 220 MB of 290), when the detector reaches it;
 * and every file of hls.js but the one the console serves (32 MB of builds,
 * sources and maps, of which eyrie serves 0.4).
 */
export async function excludes(info: GraphInfo, target: Target): Promise<string[]> {
  const out: string[] = [];
  for (const id of reachablePackages(info)) {
    const dir = info.npmPackages[id]?.localPath;
    if (id.startsWith("hls.js@") && dir !== undefined) {
      for await (const e of Deno.readDir(dir)) {
        if (e.name === "package.json") continue;
        if (e.name !== "dist") {
          out.push(join(dir, e.name));
          continue;
        }
        for await (const f of Deno.readDir(join(dir, "dist"))) {
          if (`dist/${f.name}` !== HLS_JS_FILE) out.push(join(dir, "dist", f.name));
        }
      }
    }
    if (!id.startsWith("onnxruntime-node@") || dir === undefined) continue;
    const napi = join(dir, "bin", "napi-v6");
    for await (const os of Deno.readDir(napi)) {
      if (os.name !== "linux") {
        out.push(join(napi, os.name));
        continue;
      }
      for await (const arch of Deno.readDir(join(napi, "linux"))) {
        if (`linux/${arch.name}` !== TARGETS[target].onnx) out.push(join(napi, "linux", arch.name));
      }
    }
  }
  return out.sort();
}

/** The `deno compile` command line for one target. */
export function compileArgs(o: {
  target: Target;
  output: string;
  includes: readonly string[];
  excludes: readonly string[];
  check: boolean;
}): string[] {
  return [
    "compile",
    ...(o.check ? [] : ["--no-check"]),
    // Packages from Deno's npm cache, only those the program reaches (not all of node_modules,
    // which holds the test-only ones: playwright-core, onnx-proto…).
    "--node-modules-dir=none",
    "--exclude-unused-npm",
    "--target",
    o.target,
    "--output",
    o.output,
    ...PERMISSIONS,
    ...o.includes.flatMap((f) => ["--include", f]),
    ...o.excludes.flatMap((f) => ["--exclude", f]),
    "main.ts",
  ];
}

/** The target an ELF file was built for, from e_machine; undefined when not an ELF we ship. */
export function elfTarget(head: Uint8Array): Target | undefined {
  if (
    head.length < 20 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46
  ) {
    return undefined;
  }
  // e_machine: 2 bytes at offset 18, in the file's byte order (EI_DATA at 5: 1 = little).
  const machine = head[5] === 1 ? head[18] | (head[19] << 8) : (head[18] << 8) | head[19];
  for (const [t, v] of Object.entries(TARGETS)) if (v.elfMachine === machine) return t as Target;
  return undefined;
}

/** The zip Deno publishes each runtime in, for the error message. */
export function denortZip(target: Target): string {
  return `denort-${target}.zip`;
}
