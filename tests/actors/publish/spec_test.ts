import assert from "node:assert/strict";
import { mountpointId } from "../../../actors/publish/spec.ts";

Deno.test("mountpointId() is the same for a host and camera, differs between them, and fits Janus's ids", () => {
  const a = mountpointId("pi-garage", "front");
  assert.equal(a, mountpointId("pi-garage", "front"));
  assert.notEqual(a, mountpointId("pi-porch", "front"));
  assert.notEqual(a, mountpointId("pi-garage", "back"));
  for (let i = 0; i < 1000; i++) {
    const id = mountpointId(`host-${i}`, "cam");
    assert.ok(Number.isInteger(id) && id >= 1 && id <= 2 ** 31 - 1);
  }
});
