import assert from "node:assert/strict";
import { planReload } from "../../../actors/system/mod.ts";
import { checkConfig } from "../../../ui/config/mod.ts";

const config = (doc: Record<string, unknown>) => checkConfig(doc, "/etc/eyrie/eyrie.toml");

Deno.test("planReload() sorts cameras into added, removed, changed and unchanged", () => {
  const running = config({
    camera: [{ id: "a", source: "test" }, { id: "b", source: "test" }, { id: "c" }],
  });
  const next = config({
    camera: [{ id: "d" }, { id: "a", source: "test" }, { id: "b", source: "test", fps: 10 }],
  });
  assert.deepEqual(planReload(running, next), {
    added: ["d"],
    removed: ["c"],
    changed: ["b"],
    unchanged: ["a"],
    restartNeeded: [],
  });
});

Deno.test("planReload() restarts every camera when the recording settings they inherit change", () => {
  const running = config({ camera: [{ id: "a" }, { id: "b" }], recording: { segment_s: 60 } });
  const next = config({ camera: [{ id: "a" }, { id: "b" }], recording: { segment_s: 30 } });
  assert.deepEqual(planReload(running, next).changed, ["a", "b"]);
});

Deno.test("planReload() names settings only a restart applies, and changes no camera for them", () => {
  const running = config({ camera: [{ id: "a" }] });
  const next = config({
    camera: [{ id: "a" }],
    console: { listen: "127.0.0.1:9090" },
    log: { level: "debug" },
  });
  const plan = planReload(running, next);
  assert.deepEqual(plan.restartNeeded, ["console", "log"]);
  assert.deepEqual(plan.unchanged, ["a"]);
});
