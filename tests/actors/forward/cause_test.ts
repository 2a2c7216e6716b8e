import assert from "node:assert/strict";
import { forwardCause } from "../../../actors/forward/cause.ts";

function coded(code: string): Error {
  return Object.assign(new Error(`connect ${code} 192.0.2.1:7443`), { code });
}

Deno.test("forwardCause() turns socket codes into sentences and passes TLS refusals as they are", () => {
  const to = "192.0.2.1:7443";
  assert.equal(
    forwardCause(coded("ECONNREFUSED"), to),
    "connection refused by 192.0.2.1:7443 (is eyrie receive --tls running there?)",
  );
  assert.equal(forwardCause(coded("EHOSTUNREACH"), to), "no route to host 192.0.2.1");
  assert.equal(
    forwardCause(coded("ENETUNREACH"), to),
    "network unreachable: no route to 192.0.2.1",
  );
  assert.equal(forwardCause(coded("ETIMEDOUT"), to), "timed out connecting to 192.0.2.1:7443");
  assert.equal(
    forwardCause(coded("ENOTFOUND"), "hub.lan:7443"),
    "host name hub.lan does not resolve",
  );
  assert.equal(
    forwardCause(coded("ECONNREFUSED"), "[::1]:7443"),
    "connection refused by [::1]:7443 (is eyrie receive --tls running there?)",
  );
  assert.equal(
    forwardCause(new Error("The server certificate AB:CD matches none of the 1 pin(s)"), to),
    "The server certificate AB:CD matches none of the 1 pin(s)",
  );
});
