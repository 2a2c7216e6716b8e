import assert from "node:assert/strict";
import {
  digestChallenge,
  digestHa1,
  digestResponse,
  parseAuthorization,
} from "../../../transports/rtsp/mod.ts";

Deno.test("digestResponse() matches RFC 2617's worked example (qop=auth)", () => {
  const header = 'Digest username="Mufasa", realm="testrealm@host.com", ' +
    'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, ' +
    'nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", ' +
    'opaque="5ccc069c403ebaf9f0171e9517f40e41"';
  const auth = parseAuthorization(header);
  assert.equal(auth?.scheme, "digest");
  if (auth?.scheme !== "digest") return;
  const ha1 = digestHa1("Mufasa", "testrealm@host.com", "Circle Of Life");
  assert.equal(digestResponse(ha1, "GET", auth.credentials), auth.credentials.response);
  assert.notEqual(digestResponse(ha1, "POST", auth.credentials), auth.credentials.response);
});

Deno.test("parseAuthorization() reads RFC 2069 Digest without qop, as live555 sends it", () => {
  const auth = parseAuthorization(
    'Digest username="bob", realm="eyrie", nonce="abc", uri="rtsp://h/front", response="ABCDEF"',
  );
  assert.deepEqual(auth, {
    scheme: "digest",
    credentials: {
      username: "bob",
      realm: "eyrie",
      nonce: "abc",
      uri: "rtsp://h/front",
      response: "abcdef",
      algorithm: null,
      qop: null,
      nc: null,
      cnonce: null,
    },
  });
});

Deno.test("parseAuthorization() reads Basic and quoted escapes, and refuses broken headers", () => {
  assert.deepEqual(parseAuthorization(`Basic ${btoa("bob:pa:ss")}`), {
    scheme: "basic",
    username: "bob",
    password: "pa:ss",
  });
  const escaped = parseAuthorization(
    'Digest username="a\\"b", realm="eyrie", nonce="n", uri="u", response="r"',
  );
  assert.equal(escaped?.scheme === "digest" && escaped.credentials.username, 'a"b');
  for (
    const bad of [
      "Basic !!!",
      `Basic ${btoa("no colon")}`,
      'Digest username="bob"',
      'Digest username="bob, realm="eyrie", nonce="n", uri="u", response="r"',
      'Digest username="a", username="b", realm="r", nonce="n", uri="u", response="r"',
      'Digest username="a", realm="r", nonce="n", uri="u", response="r", qop=auth',
      "Bearer abc",
      "",
    ]
  ) assert.equal(parseAuthorization(bad), null, bad);
});

Deno.test("digestChallenge() asks for MD5 Digest in the realm, stale when the nonce is old", () => {
  assert.equal(digestChallenge("eyrie", "n1"), 'Digest realm="eyrie", nonce="n1", algorithm=MD5');
  assert.match(digestChallenge("eyrie", "n1", true), /, stale=TRUE$/);
});
