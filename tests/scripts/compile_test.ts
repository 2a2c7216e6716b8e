import { Buffer } from "node:buffer";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  compileArgs,
  elfTarget,
  findWorkers,
  PERMISSIONS,
  TARGETS,
} from "../../scripts/_compile_plan.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** `deno task compile …` with DENORT_BIN as given (unset when undefined). */
async function compile(args: string[], denort: string | undefined) {
  const env = Deno.env.toObject();
  delete env.DENORT_BIN;
  if (denort !== undefined) env.DENORT_BIN = denort;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "compile", "--no-check", ...args],
    cwd: ROOT,
    env: { ...env, NO_COLOR: "1" },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function withTemp<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-compile-" });
  try {
    return await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function contains(hay: Uint8Array, text: string): boolean {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).includes(text);
}

Deno.test("compile args: both targets, eyrie's permissions, every Worker included, only reachable npm", () => {
  for (const target of Object.keys(TARGETS) as (keyof typeof TARGETS)[]) {
    const args = compileArgs({
      target,
      output: `dist/eyrie-${target}`,
      includes: ["actors/camera/worker.ts"],
      excludes: ["/cache/onnxruntime-node/1.30.0/bin/napi-v6/darwin"],
      check: true,
    });
    assert.deepEqual(args, [
      "compile",
      "--node-modules-dir=none",
      "--exclude-unused-npm",
      "--target",
      target,
      "--output",
      `dist/eyrie-${target}`,
      ...PERMISSIONS,
      "--include",
      "actors/camera/worker.ts",
      "--exclude",
      "/cache/onnxruntime-node/1.30.0/bin/napi-v6/darwin",
      "main.ts",
    ]);
  }
});

Deno.test("every Worker is a static *_WORKER URL that the compile task finds and includes", async () => {
  const workers = await findWorkers(ROOT);
  assert.ok(workers.includes("actors/camera/worker.ts"), workers.join(","));
  assert.ok(workers.includes("actors/encoder/worker.ts"), workers.join(","));
  for (const w of workers) assert.ok((await Deno.stat(join(ROOT, w))).isFile, w);
  // Workers are made by the actor runtime, from the URL a spec passes to spawnActor, or from a
  // *_WORKER constant directly; either way findWorkers() finds them.
  const grep = await new Deno.Command("grep", {
    args: ["-rlE", "new Worker\\(|spawnActor", "actors", "ui", "transports", "ffi", "certs"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  const files = new TextDecoder().decode(grep.stdout).trim().split("\n");
  let specs = 0;
  for (const file of files) {
    const text = await Deno.readTextFile(join(ROOT, file));
    if (file.startsWith("actors/runtime/")) continue;
    // A Worker made outside the runtime (the recordings download) must still use a static URL.
    for (const made of text.matchAll(/new Worker\(\s*([^,)]+)/g)) {
      assert.match(made[1], /^[A-Z_]+_WORKER$/, `${file}: new Worker() needs a *_WORKER constant`);
    }
    for (const call of text.split(/spawnActor(?:<[^>]*>)?\(/).slice(1)) {
      const url = /\burl: ([A-Za-z_.]+)/.exec(call.slice(0, 400));
      assert.ok(url !== null, `${file}: spawnActor without a url`);
      assert.match(url[1], /^[A-Z_]+_WORKER$/, `${file}: a Worker URL must be a *_WORKER constant`);
      specs++;
    }
  }
  assert.ok(specs >= 2, "the camera and encoder specs were checked");
});

Deno.test("elfTarget() reads the machine of an ELF header", async () => {
  using f = await Deno.open(Deno.execPath());
  const head = new Uint8Array(64);
  await f.read(head);
  assert.equal(elfTarget(head), `${Deno.build.arch}-unknown-linux-gnu`);
  const arm = head.slice();
  arm[18] = 183; // EM_AARCH64, little-endian
  arm[19] = 0;
  assert.equal(elfTarget(arm), "aarch64-unknown-linux-gnu");
  assert.equal(
    elfTarget(new TextEncoder().encode("#!/bin/sh\necho not an ELF file here\n")),
    undefined,
  );
});

Deno.test("deno task compile without DENORT_BIN, offline: fails with a clear message naming DENORT_BIN", async () => {
  await withTemp(async (dir) => {
    const r = await compile(["--target", "x86_64-unknown-linux-gnu", "--out", dir], undefined);
    if (r.code === 0) {
      // A machine that reaches dl.deno.land builds for real; then the binary must exist.
      assert.ok((await Deno.stat(join(dir, "eyrie-x86_64-unknown-linux-gnu"))).isFile);
      return;
    }
    assert.equal(r.code, 1, r.stderr);
    const last = r.stderr.trim().split("\n").at(-1)!;
    assert.match(
      last,
      /^compile: cannot get the Deno runtime \(denort\) for x86_64-unknown-linux-gnu: .*denort-x86_64-unknown-linux-gnu\.zip.* DENORT_BIN=\/path\/to\/denort/,
    );
    assert.ok(!r.stderr.includes("Stack backtrace") && !r.stderr.includes("\x1b["), r.stderr);
  });
});

Deno.test("deno task compile with DENORT_BIN at a runtime builds the binary with eyrie embedded", async () => {
  await withTemp(async (dir) => {
    // The one Linux runtime this machine has is the deno CLI itself: deno compile accepts any
    // ELF executable as the base. The result carries eyrie but starts the CLI, and the task says so.
    const r = await compile(["--out", dir], Deno.execPath());
    assert.equal(r.code, 0, r.stderr);
    const target = `${Deno.build.arch}-unknown-linux-gnu`;
    const file = join(dir, `eyrie-${target}`);
    assert.match(r.stdout, new RegExp(`^built ${file} \\(\\d+\\.\\d MiB\\)$`, "m"));
    assert.match(r.stderr, /DENORT_BIN is a .* runtime: building .* only/);
    assert.match(r.stderr, /is the deno CLI, not denort/);
    const bin = await Deno.readFile(file);
    const base = (await Deno.stat(Deno.execPath())).size;
    assert.ok(bin.length > base, "the program is appended to the runtime");
    // eyrie's code and packages are ~10 MiB; onnxruntime-node's Linux library for this target
    // (the detector reaches it) adds ~45 MiB; the MQTT client (npm mqtt and its packages) ~7 MiB.
    // Other platforms' builds or test-only packages would push it well past this.
    assert.ok(
      bin.length - base < 92 * 2 ** 20,
      `payload ${bin.length - base} bytes: no stray packages`,
    );
    assert.ok(contains(bin, "encoder failed, falling back"), "the encoder Worker is embedded");
    assert.ok(contains(bin, "gstreamer warning"), "the camera Worker is embedded");
    assert.ok(
      contains(bin, `<nav class="eyrie-nav" aria-label="eyrie"><b class="brand">eyrie</b>`),
      "the console page is embedded",
    );
    assert.ok(contains(bin, "manifestLoadingTimeOut"), "hls.js (its light build) is embedded");
    assert.ok(!contains(bin, "registerSelectorEngine"), "playwright-core (tests only) is not");
  });
});

Deno.test("deno task compile refuses a DENORT_BIN of the wrong kind or target, naming it", async () => {
  await withTemp(async (dir) => {
    const wrong = await compile(
      ["--target", "aarch64-unknown-linux-gnu", "--out", dir],
      Deno.execPath(),
    );
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.stderr,
      /DENORT_BIN=.* is the runtime for x86_64-unknown-linux-gnu, but --target asks for aarch64/,
    );
    const text = join(dir, "denort.txt");
    await Deno.writeTextFile(text, "not a runtime\n".repeat(10));
    const notElf = await compile(["--out", dir], text);
    assert.equal(notElf.code, 1);
    assert.match(
      notElf.stderr,
      /DENORT_BIN=.*denort\.txt is not a Linux x86_64 or aarch64 executable/,
    );
    const folder = await compile(["--out", dir], dir);
    assert.equal(folder.code, 1);
    assert.match(
      folder.stderr,
      /denort-x86_64-unknown-linux-gnu: no such file \(unzip denort-x86_64-unknown-linux-gnu\.zip there\)/,
    );
    const usage = await compile(["--target", "mips"], undefined);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /unknown target "mips"/);
  });
});
