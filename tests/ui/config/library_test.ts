import assert from "node:assert/strict";
import { ConfigError } from "../../../ui/cli/errors.ts";
import { parseConfig } from "../../../ui/config/mod.ts";

Deno.test("[[library]] transcode is off by default, true turns it on, and anything but a boolean is refused by its path", () => {
  const c = parseConfig(
    `[[library]]\nid = "a"\npath = "/srv/a"\n[[library]]\nid = "b"\npath = "/srv/b"\ntranscode = true`,
    "eyrie.toml",
  );
  assert.deepEqual(c.library!.map((l) => [l.id, l.transcode]), [["a", false], ["b", true]]);
  try {
    parseConfig(`[[library]]\nid = "a"\npath = "/srv/a"\ntranscode = "yes"`, "eyrie.toml");
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    assert.deepEqual(e.problems.map((p) => p.path), ["library[0].transcode"]);
  }
});
