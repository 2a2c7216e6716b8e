import assert from "node:assert/strict";
import { SocketError } from "../../../ffi/net/mod.ts";
import { sendFault, setupFault } from "../../../actors/rtp_output/fault.ts";
import { ResolveError } from "../../../actors/rtp_output/resolve.ts";

const unicast = { address: "192.0.2.7", port: 5004, multicast: false };
const group = { address: "239.1.2.3", port: 5004, multicast: true };

Deno.test("sendFault() names the destination's fault for each errno, and none for a lost packet", () => {
  const cases: [number, typeof unicast, string | null, string | null][] = [
    [
      111,
      unicast,
      "refused",
      "connection refused by 192.0.2.7:5004 (nothing listens on that port)",
    ],
    [113, unicast, "unreachable", "no route to host 192.0.2.7"],
    [112, unicast, "unreachable", "no route to host 192.0.2.7"],
    [101, unicast, "unreachable", "network unreachable: no route to 192.0.2.7"],
    [
      101,
      group,
      "unreachable",
      "no multicast route to 239.1.2.3 (set multicast_interface, or add a route for 224.0.0.0/4)",
    ],
    [
      1,
      unicast,
      "blocked",
      "sending to 192.0.2.7:5004 is not permitted (a firewall rule, or a broadcast address)",
    ],
    [11, unicast, null, null], // EAGAIN: the send buffer is full
    [105, unicast, null, null], // ENOBUFS
    [90, unicast, null, null], // EMSGSIZE
  ];
  for (const [errno, to, reason, cause] of cases) {
    const f = sendFault(errno, to);
    assert.deepEqual([f?.reason ?? null, f?.cause ?? null], [reason, cause], `errno ${errno}`);
  }
  assert.equal(
    sendFault(111, { address: "::1", port: 5004, multicast: false })?.cause,
    "connection refused by [::1]:5004 (nothing listens on that port)",
  );
});

Deno.test("setupFault() tells a name that does not resolve from one that cannot be resolved now", () => {
  assert.deepEqual(setupFault(new ResolveError("cam.local", "ENOTFOUND", "x"), "cam.local", null), {
    reason: "unresolved",
    cause: "host name cam.local does not resolve",
  });
  assert.equal(
    setupFault(new ResolveError("cam.local", "EAI_AGAIN", "x"), "cam.local", null).cause,
    "host name cam.local cannot be resolved now (EAI_AGAIN)",
  );
  assert.deepEqual(
    setupFault(new SocketError("connect", 101, "239.1.2.3:5004"), "239.1.2.3", group).reason,
    "unreachable",
  );
  const other = setupFault(new SocketError("setsockopt", 19, "IP_MULTICAST_IF"), "h", unicast);
  assert.equal(other.reason, "socket");
  assert.match(other.cause, /^setsockopt IP_MULTICAST_IF: No such device \(ENODEV\)$/);
});
