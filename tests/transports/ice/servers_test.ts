/**
 * ICE server URLs, TURN REST credentials and WHEP Link headers. coturn
 * checks real credentials in tests/ui/console/turn_browser_test.ts.
 */
import assert from "node:assert/strict";
import {
  iceServersFor,
  linkHeader,
  parseIceServerUrl,
  turnRestCredentials,
} from "../../../transports/ice/servers.ts";

Deno.test("parseIceServerUrl() reads stun:, turn: and turns: with defaults and credentials", () => {
  const cases: [string, ReturnType<typeof parseIceServerUrl>][] = [
    ["stun:stun.example.org", {
      scheme: "stun",
      host: "stun.example.org",
      port: 3478,
      transport: null,
      username: null,
      credential: null,
    }],
    ["turn:user:pass@turn.example.org:3478", {
      scheme: "turn",
      host: "turn.example.org",
      port: 3478,
      transport: null,
      username: "user",
      credential: "pass",
    }],
    ["turns:a%40b:p%3Aw@10.0.0.1?transport=tcp", {
      scheme: "turns",
      host: "10.0.0.1",
      port: 5349,
      transport: "tcp",
      username: "a@b",
      credential: "p:w",
    }],
    ["turn:[2001:db8::1]:3479", {
      scheme: "turn",
      host: "[2001:db8::1]",
      port: 3479,
      transport: null,
      username: null,
      credential: null,
    }],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseIceServerUrl(text), want, text);
});

Deno.test("parseIceServerUrl() says what is wrong", () => {
  assert.throws(() => parseIceServerUrl("http://x"), /is not stun:host/);
  assert.throws(() => parseIceServerUrl("stun:u:p@x"), /takes no credentials/);
  assert.throws(() => parseIceServerUrl("turn:x:70000"), /Port 70000 .* out of range/);
  assert.throws(() => parseIceServerUrl("turn:x?transport=sctp"), /is not stun:host/);
});

Deno.test("turnRestCredentials() makes <expiry>:<user> and base64 HMAC-SHA1 of it", () => {
  const c = turnRestCredentials("north", { user: "alice", ttlS: 3600, nowS: 1_700_000_000.7 });
  assert.equal(c.username, "1700003600:alice");
  // echo -n 1700003600:alice | openssl dgst -sha1 -hmac north -binary | base64
  assert.equal(c.credential, "wjwSXO2ch1B6VaLTLMy2Avn5O9o=");
});

Deno.test("iceServersFor() keeps static credentials, makes REST ones, and Link headers carry them", () => {
  const rest = { secret: "s", user: "u", ttlS: 60, nowS: 100 };
  const servers = iceServersFor(["stun:a", "turn:x:y@b:1", "turn:c?transport=udp"], rest);
  assert.deepEqual(servers[0], { urls: "stun:a:3478" });
  assert.deepEqual(servers[1], { urls: "turn:b:1", username: "x", credential: "y" });
  assert.equal(servers[2].urls, "turn:c:3478?transport=udp");
  assert.equal(servers[2].username, "160:u");
  assert.equal(linkHeader(servers[0]), '<stun:a:3478>; rel="ice-server"');
  assert.equal(
    linkHeader({ urls: "turn:b:1", username: 'q"x', credential: "y" }),
    '<turn:b:1>; rel="ice-server"; username="q\\"x"; credential="y"; credential-type="password"',
  );
  assert.deepEqual(iceServersFor(["turn:c"], null), [{ urls: "turn:c:3478" }]);
});
