import assert from "node:assert/strict";
import { crossOriginProblem } from "../../../ui/auth/csrf.ts";

const URL_ = "https://cam.lan:8443/api/config/reload";

Deno.test("crossOriginProblem() refuses state changes from another site and lets same-origin and non-browser ones through", () => {
  const cases: [string, string | undefined, string | undefined, boolean][] = [
    // method, Sec-Fetch-Site, Origin, allowed
    ["GET", "cross-site", "https://evil.example", true],
    ["POST", "same-origin", "https://cam.lan:8443", true],
    ["POST", "none", undefined, true],
    ["POST", "cross-site", "https://evil.example", false],
    ["POST", "same-site", "https://other.lan", false],
    ["DELETE", "cross-site", undefined, false],
    ["POST", undefined, "https://cam.lan:8443", true],
    ["POST", undefined, "https://evil.example", false],
    ["POST", undefined, "null", false],
    ["PUT", undefined, "http://cam.lan:8443", false],
    ["POST", undefined, undefined, true],
  ];
  for (const [method, secFetchSite, origin, allowed] of cases) {
    const problem = crossOriginProblem({ method, url: URL_, secFetchSite, origin });
    assert.equal(problem === null, allowed, `${method} ${secFetchSite} ${origin}: ${problem}`);
  }
});
