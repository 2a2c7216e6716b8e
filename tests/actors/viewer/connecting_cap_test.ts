/**
 * The attack of issue 14, finding 4: one client posts valid offers that
 * never finish ICE, faster than they time out, to hold every "connecting"
 * slot of a camera; everyone else's offers were refused (15 of 20 in the
 * attack run). Here the attacker fires 12 offers at once and one more
 * before each of the victim's 20; the victim's offers must all be answered.
 * Real viewer actor and werift, the real HTTP routes and auth middleware;
 * the connection env (address) is given per request as the servers do.
 */
import assert from "node:assert/strict";
import { offer } from "./_offers.ts";
import { startWhepApp } from "./_whep_app.ts";

async function attack(
  app: Awaited<ReturnType<typeof startWhepApp>>,
  attacker: { address: string; cookie?: string },
  victim: { address: string; cookie?: string },
) {
  const fired: Promise<Response>[] = [];
  for (let i = 0; i < 12; i++) fired.push(app.offer(offer(), attacker));
  // The first ones are answered (connecting) before the victim comes.
  await Promise.race(fired);
  const victimStatus: number[] = [];
  for (let i = 0; i < 20; i++) {
    fired.push(app.offer(offer(), attacker));
    const res = await app.offer(offer(), victim);
    victimStatus.push(res.status);
    const location = res.headers.get("location");
    await res.body?.cancel();
    if (location !== null) await (await app.close(location, victim)).body?.cancel();
  }
  const attackerReplies = await Promise.all(
    fired.map(async (p) => {
      const res = await p;
      await res.body?.cancel();
      return { status: res.status, retryAfter: res.headers.get("retry-after") };
    }),
  );
  return { victimStatus, attackerReplies };
}

Deno.test("a user holding connecting viewers with offers that never finish ICE does not lock out another user", async () => {
  await using app = await startWhepApp([
    { name: "mallory", password: "mallory-password-1" },
    { name: "alice", password: "alice-password-12" },
  ]);
  // Both from one address (a shared NAT, a proxy, this machine): the cap is per user.
  const mallory = {
    address: "192.0.2.10",
    cookie: await app.login("mallory", "mallory-password-1"),
  };
  const alice = { address: "192.0.2.10", cookie: await app.login("alice", "alice-password-12") };
  const { victimStatus, attackerReplies } = await attack(app, mallory, alice);
  assert.deepEqual(victimStatus, Array(20).fill(201), "every one of alice's offers is answered");
  const refused = attackerReplies.filter((r) => r.status !== 201);
  assert.ok(refused.length > 0, "mallory's surplus offers are refused");
  for (const r of refused) {
    assert.equal(r.status, 429, "refused for being too many from one client, not the camera busy");
    assert.equal(r.retryAfter, "1");
  }
});

Deno.test("an address holding connecting viewers with offers that never finish ICE does not lock out another address", async () => {
  await using app = await startWhepApp(); // auth off: requests carry no user, the cap is per address
  const { victimStatus, attackerReplies } = await attack(
    app,
    { address: "192.0.2.66" },
    { address: "192.0.2.7" },
  );
  assert.deepEqual(victimStatus, Array(20).fill(201));
  const refused = attackerReplies.filter((r) => r.status !== 201);
  assert.ok(refused.length > 0);
  for (const r of refused) assert.equal(r.status, 429);
});
