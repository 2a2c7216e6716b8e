import assert from "node:assert/strict";

// GStreamer's leaks tracer counts the objects still alive at gst_deinit, and
// G_DEBUG=fatal-criticals turns a critical (such as unreffing an object one
// time too many) into an abort. Together they check "unref exactly once" for
// every wrapper that _leak_script.ts exercises.
Deno.test("every wrapper releases its references exactly once (GStreamer leaks tracer)", async () => {
  const script = new URL("./_leak_script.ts", import.meta.url).pathname;
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", script],
    env: { GST_TRACERS: "leaks", GST_DEBUG: "leaks:7", G_DEBUG: "fatal-criticals" },
  }).output();
  const stdout = new TextDecoder().decode(run.stdout);
  const stderr = new TextDecoder().decode(run.stderr);
  assert.ok(run.success, `the script failed (exit ${run.code}):\n${stderr.slice(-2000)}`);
  assert.equal(stdout.trim(), "done");
  const listed = /listed (\d+) alive objects/.exec(stderr);
  assert.ok(listed !== null, "the leaks tracer ran");
  assert.equal(Number(listed[1]), 0, "objects alive at gst_deinit");
});
