import assert from "node:assert/strict";
import {
  ACCESS_TABLE,
  DEFAULT_API_RULE,
  DEFAULT_PAGE_RULE,
  matchAccess,
  matchPattern,
} from "../../../ui/auth/access_table.ts";
import { ROUTE_SAMPLES } from "./_route_samples.ts";

Deno.test("matchPattern() matches literal, :param and trailing * segments", () => {
  assert.deepEqual(matchPattern("/api/cameras/:id", "/api/cameras/front"), { id: "front" });
  assert.deepEqual(matchPattern("/api/cameras/:id", "/api/cameras/front/"), { id: "front" });
  assert.deepEqual(matchPattern("/api/cameras/:id", "/api/cameras/fr%6Fnt"), { id: "front" });
  assert.equal(matchPattern("/api/cameras/:id", "/api/cameras/"), null);
  assert.equal(matchPattern("/api/cameras/:id", "/api/cameras/front/whep"), null);
  assert.deepEqual(matchPattern("/api/cameras/:id/whep/*", "/api/cameras/a/whep/s1"), { id: "a" });
  assert.deepEqual(matchPattern("/api/auth/*", "/api/auth"), {});
  assert.equal(matchPattern("/api/auth/*", "/api/authx"), null);
  assert.equal(matchPattern("/metrics", "/Metrics"), null);
});

Deno.test("every row of the access table has a sample request that it, and no earlier row, matches", () => {
  for (const rule of ACCESS_TABLE) {
    const samples = ROUTE_SAMPLES.filter((s) => s.pattern === rule.pattern);
    assert.ok(samples.length > 0, `no sample for ${rule.pattern}: add one to _route_samples.ts`);
    for (const s of samples) {
      assert.equal(matchAccess(s.method, s.path.split("?")[0]).rule, rule, `${s.method} ${s.path}`);
    }
  }
});

Deno.test("an unlisted path under /api needs an admin; any other unlisted path a grant", () => {
  assert.equal(matchAccess("GET", "/api/something-new").rule, DEFAULT_API_RULE);
  assert.equal(matchAccess("POST", "/api/cameras").rule, DEFAULT_API_RULE);
  assert.equal(matchAccess("DELETE", "/api/recordings/7").rule, DEFAULT_API_RULE);
  assert.equal(matchAccess("PUT", "/api/cameras/front").rule, DEFAULT_API_RULE);
  assert.equal(matchAccess("GET", "/api").rule, DEFAULT_API_RULE);
  assert.equal(DEFAULT_API_RULE.need, "admin");
  assert.equal(matchAccess("GET", "/recordings").rule, DEFAULT_PAGE_RULE);
  assert.equal(DEFAULT_PAGE_RULE.need, "any_grant");
});

Deno.test("camera-scoped rows say where their camera comes from", () => {
  for (const rule of ACCESS_TABLE) {
    const scoped = ["view", "download", "record", "control", "talk"].includes(rule.need);
    const listOfAll = rule.pattern === "/api/cameras";
    assert.equal(rule.camera !== undefined, scoped && !listOfAll, rule.pattern);
  }
});

Deno.test("docs/security.md shows every row of the access table as it is", async () => {
  const doc = await Deno.readTextFile(new URL("../../../docs/security.md", import.meta.url));
  for (const rule of [...ACCESS_TABLE, DEFAULT_API_RULE, DEFAULT_PAGE_RULE]) {
    const methods = rule.methods === "*" ? "any" : rule.methods.join(", ");
    const row = new RegExp(
      `\\| ${methods} +\\| \`${rule.pattern.replace(/[.*]/g, "\\$&")}\` +\\| ${rule.need}[ (|]`,
    );
    assert.match(doc, row, `${methods} ${rule.pattern} ${rule.need}`);
  }
});
