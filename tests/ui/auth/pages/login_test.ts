/**
 * safeNext(): the path to go to after signing in stays on this site,
 * whatever the query string says. Cases from the attack run (issue 14: a
 * tab made "/\t/host/page" pass and become "//host/page"); the property
 * over any string is in tests/fuzz/auth_test.ts.
 */
import assert from "node:assert/strict";
import { safeNext } from "../../../../ui/auth/pages/login.ts";

Deno.test("safeNext() keeps a local path and refuses anything a browser could read as another host", () => {
  for (
    const kept of ["/", "/recordings?day=2", "/events#last", "/a/b%20c?x=1&y=%2F", "/?next=//x"]
  ) {
    assert.equal(safeNext(kept), kept);
  }
  for (
    const refused of [
      "/\t/host/page",
      "/\n/host",
      "/\r\n/host",
      "//evil.example/",
      "/\\evil.example",
      "\\\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      " /path",
      "/a b",
      "/%zz",
      '/"><script>',
      "/\u00a0/host",
      "/\u2028",
      "",
      "/" + "a".repeat(2048),
    ]
  ) {
    assert.equal(safeNext(refused), "/", JSON.stringify(refused));
  }
  assert.equal(safeNext(undefined), "/");
  assert.equal(safeNext(null), "/");
});
