import assert from "node:assert/strict";
import { checkPassword, hashPassword, verifyPassword } from "../../../ui/auth/password.ts";

Deno.test("hashPassword() stores scrypt with its parameters and a fresh salt per hash", async () => {
  const a = await hashPassword("correct horse battery");
  const b = await hashPassword("correct horse battery");
  assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
  assert.notEqual(a.split("$")[4], b.split("$")[4], "salts differ");
  assert.notEqual(a, b);
  assert.ok(!a.includes("correct"));
});

Deno.test("verifyPassword() accepts the password and refuses any other", async () => {
  const stored = await hashPassword("correct horse battery");
  assert.equal(await verifyPassword("correct horse battery", stored), true);
  assert.equal(await verifyPassword("correct horse batterY", stored), false);
  assert.equal(await verifyPassword("", stored), false);
  // No stored hash (unknown user, certificate-only user): false, after the same work.
  assert.equal(await verifyPassword("correct horse battery", null), false);
});

Deno.test("verifyPassword() refuses a stored hash with parameters past its bounds", async () => {
  const stored = await hashPassword("correct horse battery");
  const parts = stored.split("$");
  for (
    const [i, value] of [[1, String(1 << 20)], [1, "1000"], [2, "64"], [3, "9"], [
      0,
      "md5",
    ]] as const
  ) {
    const bad = [...parts];
    bad[i] = value;
    assert.equal(
      await verifyPassword("correct horse battery", bad.join("$")),
      false,
      bad.join("$"),
    );
  }
  assert.equal(await verifyPassword("correct horse battery", "not a hash"), false);
});

Deno.test("checkPassword() names the rule a password breaks", () => {
  assert.throws(() => checkPassword("short"), /at least 8 characters/);
  assert.throws(() => checkPassword("x".repeat(1025)), /at most 1024/);
  checkPassword("eight ch");
});
