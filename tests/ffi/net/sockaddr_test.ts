import assert from "node:assert/strict";
import { decodeSockaddr, encodeSockaddr, ipv6Bytes } from "../../../ffi/net/_sockaddr.ts";

const CASES: [string, string][] = [
  ["::1", "::1"],
  ["::", "::"],
  ["2001:db8::1", "2001:db8::1"],
  ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
  ["ff02::1:ff00:1", "ff02::1:ff00:1"],
  ["1:0:0:2:0:0:0:3", "1:0:0:2::3"],
  ["::ffff:192.0.2.1", "::ffff:c000:201"],
  ["fe80::fc:ff:fe00:1", "fe80::fc:ff:fe00:1"],
];

Deno.test("IPv6 addresses round-trip through sockaddr_in6 in RFC 5952 form", () => {
  const buf = new Uint8Array(128);
  for (const [text, canonical] of CASES) {
    assert.equal(encodeSockaddr({ family: 6, address: text, port: 5004 }, buf), 28);
    assert.deepEqual(decodeSockaddr(buf), { family: 6, address: canonical, port: 5004 }, text);
  }
});

Deno.test("IPv4 sockaddr_in puts the port in network order", () => {
  const buf = new Uint8Array(128);
  assert.equal(encodeSockaddr({ family: 4, address: "10.1.2.3", port: 0x1234 }, buf), 16);
  assert.deepEqual([...buf.subarray(0, 8)], [2, 0, 0x12, 0x34, 10, 1, 2, 3]);
  assert.deepEqual(decodeSockaddr(buf), { family: 4, address: "10.1.2.3", port: 0x1234 });
});

Deno.test("an IPv6 zone index is refused with a reason", () => {
  assert.throws(() => ipv6Bytes("fe80::1%eth0"), /zone/);
});
