import assert from "node:assert/strict";

async function runWithoutFfi(...args: string[]) {
  const script = new URL("./_motion_only.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-read", "--allow-env", script, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("mod.ts loads onnxruntime-node only when a model is loaded: motion runs without --allow-ffi", async () => {
  const motion = await runWithoutFfi();
  assert.equal(motion.code, 0, motion.stderr);
  assert.equal(motion.stdout, "motion analysed\n");
  const model = await runWithoutFfi("model");
  assert.notEqual(model.code, 0);
  assert.match(
    model.stderr,
    /Object detection needs onnxruntime-node, which failed to load \(is --allow-ffi granted\?\): Requires ffi access/,
  );
});
