import assert from "node:assert/strict";
import { iceHostsFor, iceSettings } from "../../../actors/viewer/ice.ts";

Deno.test("iceHostsFor() uses the console's own address, the browser's Host when it listens on all, else every interface", () => {
  assert.deepEqual(iceHostsFor("127.0.0.1", "127.0.0.1:8080"), ["127.0.0.1"]);
  assert.deepEqual(iceHostsFor("localhost", "localhost:8080"), ["127.0.0.1"]);
  assert.deepEqual(iceHostsFor("192.168.1.5", "cam.local:8080"), ["192.168.1.5"]);
  assert.deepEqual(iceHostsFor("0.0.0.0", "192.168.1.5:8080"), ["192.168.1.5"]);
  assert.deepEqual(iceHostsFor("::", "[fe80::1]:8080"), ["fe80::1"]);
  assert.deepEqual(iceHostsFor("0.0.0.0", "10.0.0.2"), ["10.0.0.2"]);
  assert.equal(iceHostsFor("0.0.0.0", "cam.local:8080"), "all");
  assert.equal(iceHostsFor("0.0.0.0", null), "all");
  assert.equal(iceHostsFor("cam.local", "cam.local"), "all");
});

Deno.test("iceSettings() is ICE lite without STUN, bound to the one address it names", () => {
  const one = iceSettings(["127.0.0.1"]);
  assert.equal(one.iceLite, true);
  assert.deepEqual(one.iceServers, []);
  assert.deepEqual(one.iceAdditionalHostAddresses, ["127.0.0.1"]);
  assert.deepEqual(one.iceInterfaceAddresses, { udp4: "127.0.0.1" });
  assert.equal(one.iceUseIpv4, false, "werift's own interface scan is off");
  assert.deepEqual(iceSettings(["::1"]).iceInterfaceAddresses, { udp6: "::1" });
  assert.equal(iceSettings(["10.0.0.2", "10.0.0.3"]).iceInterfaceAddresses, undefined);
  const all = iceSettings("all");
  assert.equal(all.iceUseIpv4, true);
  assert.equal(all.iceAdditionalHostAddresses, undefined);
});
