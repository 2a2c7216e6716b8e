import assert from "node:assert/strict";
import { authorizationFor } from "../../../../transports/rtsp/client/auth.ts";
import { parseAuthorization } from "../../../../transports/rtsp/mod.ts";

Deno.test("authorizationFor() answers RFC 2617's worked example (qop=auth) as the RFC does", () => {
  const challenge = 'Digest realm="testrealm@host.com", qop="auth,auth-int", ' +
    'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
  const header = authorizationFor(
    challenge,
    { method: "GET", uri: "/dir/index.html", cnonce: "0a4f113b" },
    { username: "Mufasa", password: "Circle Of Life" },
  );
  const auth = parseAuthorization(header ?? "");
  assert.equal(auth?.scheme, "digest");
  if (auth?.scheme !== "digest") return;
  assert.equal(auth.credentials.response, "6629fae49393a05397450978507c4ef1");
  assert.match(header ?? "", /opaque="5ccc069c403ebaf9f0171e9517f40e41"/);
});

Deno.test("authorizationFor() prefers Digest to Basic, answers Basic alone, and refuses others", () => {
  const who = { username: "u", password: "p:w" };
  const req = { method: "DESCRIBE", uri: "rtsp://h/s" };
  assert.match(
    authorizationFor('Digest realm="r", nonce="n", Basic realm="r"', req, who)!,
    /^Digest /,
  );
  assert.equal(authorizationFor('Basic realm="cam"', req, who), `Basic ${btoa("u:p:w")}`);
  assert.equal(authorizationFor('Bearer realm="x"', req, who), null);
});
