import assert from "node:assert/strict";
import { MAX_ACCOUNT_FAILURES, MAX_FAILURES } from "../../../ui/auth/throttle.ts";
import { type As, DEFAULT_GRANT, startAuthApp } from "./_auth_app.ts";

const json = (body: unknown) => ({
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
const anon: As = { kind: "anonymous" };

Deno.test("brute-force sign-in from one address gets 429 with Retry-After, other addresses do not", async () => {
  await using t = await startAuthApp([{ name: "root", role: "admin", password: "root-password" }]);
  const attempt = (password: string, address = "192.0.2.7") =>
    t.request(anon, "POST", "/api/auth/login", { ...json({ name: "root", password }), address });
  for (let i = 0; i < MAX_FAILURES; i++) {
    const res = await attempt(`guess-${i}-xx`);
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, "Wrong user name or password");
  }
  const limited = await attempt("guess-again");
  assert.equal(limited.status, 429);
  const retry = Number(limited.headers.get("retry-after"));
  assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 300, `Retry-After ${retry}`);
  assert.match((await limited.json()).error, /Too many failed sign-ins/);
  const even = await attempt("root-password");
  assert.equal(even.status, 429, "the right password is not even checked while limited");
  await even.body?.cancel();
  const elsewhere = await attempt("root-password", "192.0.2.8");
  assert.equal(elsewhere.status, 200);
  await elsewhere.body?.cancel();
});

Deno.test("50 parallel wrong passwords from one address get exactly MAX_FAILURES checks, the rest 429", async () => {
  await using t = await startAuthApp([{ name: "root", role: "admin", password: "root-password" }]);
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      t.request(anon, "POST", "/api/auth/login", {
        ...json({ name: "root", password: `guess-${i}-xx` }),
        address: "192.0.2.7",
      })),
  );
  const statuses = answers.map((r) => r.status);
  await Promise.all(answers.map((r) => r.body?.cancel()));
  assert.equal(statuses.filter((s) => s === 401).length, MAX_FAILURES);
  assert.equal(statuses.filter((s) => s === 429).length, 50 - MAX_FAILURES);
});

Deno.test("signing in as another user does not reset the guesses at this one", async () => {
  await using t = await startAuthApp([
    { name: "alice", role: "admin", password: "alice-password" },
    { name: "eve", role: "viewer", password: "eve-password", grant: DEFAULT_GRANT },
  ]);
  const login = async (name: string, password: string) => {
    const res = await t.request(anon, "POST", "/api/auth/login", {
      ...json({ name, password }),
      address: "192.0.2.9",
    });
    await res.body?.cancel();
    return res.status;
  };
  // Four guesses at alice, then eve signs in, ten times over: 40 guesses tried.
  let checked = 0;
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < 4; i++) if (await login("alice", `guess-${round}-${i}`) === 401) checked++;
    await login("eve", "eve-password");
  }
  assert.equal(checked, MAX_FAILURES);
});

Deno.test("guesses at one account from many addresses meet the account's limit", async () => {
  await using t = await startAuthApp([{ name: "root", role: "admin", password: "root-password" }]);
  const statuses: number[] = [];
  for (let i = 0; i < 3 * MAX_ACCOUNT_FAILURES; i++) {
    const res = await t.request(anon, "POST", "/api/auth/login", {
      ...json({ name: "root", password: `guess-${i}-xx` }),
      address: `198.51.100.${i}`,
    });
    statuses.push(res.status);
    await res.body?.cancel();
  }
  assert.equal(statuses.filter((s) => s === 401).length, MAX_ACCOUNT_FAILURES);
  // The right password is not checked either while the account is limited.
  const right = await t.request(anon, "POST", "/api/auth/login", {
    ...json({ name: "root", password: "root-password" }),
    address: "203.0.113.1",
  });
  assert.equal(right.status, 429);
  assert.match((await right.json()).error, /for this user/);
});

Deno.test("the sign-in form sets an HttpOnly SameSite=Strict session cookie and goes on to next", async () => {
  await using t = await startAuthApp([{ name: "root", role: "admin", password: "root-password" }]);
  const form = (fields: Record<string, string>) => ({
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  const ok = await t.request(
    anon,
    "POST",
    "/api/auth/login",
    form({
      name: "root",
      password: "root-password",
      next: "/recordings?day=2",
    }),
  );
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get("location"), "/recordings?day=2");
  const cookie = ok.headers.getSetCookie()[0];
  assert.match(
    cookie,
    /^eyrie_session=[\w-]+\.[\w-]+\.[\w-]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/,
  );
  const me = await t.request(
    { kind: "session", cookie: cookie.split(";")[0] },
    "GET",
    "/api/auth/me",
  );
  assert.equal((await me.json()).name, "root");
  // An open redirect is not possible.
  const away = await t.request(
    anon,
    "POST",
    "/api/auth/login",
    form({
      name: "root",
      password: "root-password",
      next: "//evil.example/",
    }),
  );
  assert.equal(away.headers.get("location"), "/");
  // A wrong password shows the form again, with the reason, as 401.
  const bad = await t.request(
    anon,
    "POST",
    "/api/auth/login",
    form({ name: "root", password: "nope-nope" }),
  );
  assert.equal(bad.status, 401);
  assert.match(await bad.text(), /Wrong user name or password/);
});

Deno.test("signing out, a password change and removing the user each end a session", async () => {
  await using t = await startAuthApp([
    { name: "root", role: "admin", password: "root-password" },
    { name: "bob", role: "viewer", password: "bob-password", grant: DEFAULT_GRANT },
  ]);
  const status = async (as: As) => {
    const res = await t.request(as, "GET", "/api/auth/users");
    await res.body?.cancel();
    return res.status;
  };
  const a = await t.login("root", "root-password");
  assert.equal(await status(a), 200);
  const out = await t.request(a, "POST", "/api/auth/logout");
  assert.equal(out.status, 204);
  assert.match(out.headers.getSetCookie()[0], /^eyrie_session=; Max-Age=0/);
  assert.equal(await status(a), 401, "the old cookie no longer works");
  const b = await t.login("root", "root-password");
  await t.store.users.setPassword("root", "changed-password");
  assert.equal(await status(b), 401);
  const c = await t.login("bob", "bob-password");
  assert.equal((await t.request(c, "GET", "/api/cameras")).status, 200);
  t.store.removeUser("bob");
  assert.equal((await t.request(c, "GET", "/api/cameras")).status, 401);
});

Deno.test("a forged or tampered session cookie is no session", async () => {
  await using t = await startAuthApp([{ name: "root", role: "admin", password: "root-password" }]);
  const a = await t.login("root", "root-password");
  if (a.kind !== "session") throw new Error("no session");
  const [h, p, s] = a.cookie.slice("eyrie_session=".length).split(".");
  const claims = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
  const forged = btoa(JSON.stringify({ ...claims, sub: "someone" })).replace(/=+$/, "");
  for (
    const cookie of [
      `eyrie_session=${h}.${forged}.${s}`,
      `eyrie_session=${h}.${p}.${s}x`,
      "eyrie_session=x",
    ]
  ) {
    const res = await t.request({ kind: "session", cookie }, "GET", "/api/cameras");
    assert.equal(res.status, 401, cookie);
    await res.body?.cancel();
  }
});

Deno.test("passwords and session tokens never reach the logs", async () => {
  await using t = await startAuthApp([{ name: "root", role: "admin", password: "root-password" }]);
  const session = await t.login("root", "root-password");
  // A password typed into the name field is not logged either.
  await (await t.request(
    anon,
    "POST",
    "/api/auth/login",
    json({ name: "Secret-Typed-In-Name", password: "x-password" }),
  ))
    .body?.cancel();
  await (await t.request(
    anon,
    "POST",
    "/api/auth/login",
    json({ name: "root", password: "wrong-password" }),
  ))
    .body?.cancel();
  const logs = t.logs();
  assert.match(logs, /"msg":"signed in".*"user":"root"/);
  assert.match(logs, /"msg":"sign-in failed".*"user":"\(unknown\)"/);
  for (const secret of ["root-password", "wrong-password", "x-password", "Secret-Typed-In-Name"]) {
    assert.ok(!logs.includes(secret), `"${secret}" is in the logs`);
  }
  if (session.kind === "session") assert.ok(!logs.includes(session.cookie.split("=")[1]));
});
