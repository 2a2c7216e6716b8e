/// <reference lib="dom" />
/**
 * The sign-in, access and admin pages in headless Chromium against the real
 * app on a real server: a browser's own requests (Sec-Fetch-Site, Origin,
 * SameSite cookies, the pages' CSP) get through the access check; a viewer
 * without a grant asks on /access; an admin approves one request and denies
 * another on /admin.
 */
import assert from "node:assert/strict";
import { serve } from "../../../ui/http/serve.ts";
import { userSubject } from "../../../ui/auth/grants.ts";
import { startAuthApp } from "./_auth_app.ts";
import { launchChromium } from "../../_chromium.ts";

Deno.test("in Chromium: sign in, ask for access on /access, approve and deny on /admin", async () => {
  await using t = await startAuthApp([
    { name: "root", role: "admin", password: "root-password" },
    { name: "nogrant", role: "viewer", password: "nogrant-password", grant: null },
  ]);
  t.store.approvals.ask({
    subject: `cert:${"AB:".repeat(31)}AB`,
    label: "garage",
    fingerprint256: `${"AB:".repeat(31)}AB`,
    cameras: ["back"],
    note: "the garage box",
    address: "192.0.2.5",
  });
  const server = await serve(t.app, { hostname: "127.0.0.1", port: 0 });
  await using browser = await launchChromium();
  const problems: string[] = [];
  try {
    const page = await browser.newPage();
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    const signIn = async (name: string, password: string) => {
      await page.fill('input[name="name"]', name);
      await page.fill('input[name="password"]', password);
      await page.click('button[type="submit"]');
    };

    // A viewer without a grant: / sends to /login, then on to /access, where it asks.
    await page.goto(`${server.url}/`);
    assert.equal(new URL(page.url()).pathname, "/login");
    await signIn("nogrant", "wrong-password");
    assert.match(await page.textContent(".error") ?? "", /Wrong user name or password/);
    // That page came with status 401, which Chromium reports as a console error: expected.
    assert.deepEqual(problems, [
      "Failed to load resource: the server responded with a status of 401 (Unauthorized)",
    ]);
    problems.length = 0;
    await signIn("nogrant", "nogrant-password");
    await page.waitForURL(/\/access$/);
    await page.waitForFunction(() =>
      document.getElementById("who")?.textContent?.startsWith("user nogrant")
    );
    await page.fill("#cameras", "front");
    await page.fill("#note", "please");
    await page.click('#ask button[type="submit"]');
    await page.waitForFunction(() =>
      document.getElementById("result")?.textContent?.startsWith("Asked")
    );
    assert.equal(t.store.approvals.latest(userSubject("nogrant"))?.status, "pending");
    // The bar names the viewer, offers Sign out, and no Admin link.
    await page.waitForSelector("#eyrie-user:not([hidden])");
    assert.equal(await page.textContent("#eyrie-who"), "nogrant");
    assert.equal(await page.isVisible("#eyrie-admin"), false);
    assert.equal(
      await page.isVisible('nav.eyrie-nav a[href="/library"]'),
      false,
      "no library granted",
    );
    assert.equal(await page.isVisible('nav.eyrie-nav a[href="/"]'), true, "a way back to Live");
    await page.click("#eyrie-signout button");
    await page.waitForURL(/\/login$/);

    // The admin decides on /admin.
    await page.goto(`${server.url}/admin`);
    assert.equal(new URL(page.url()).pathname, "/login");
    await signIn("root", "root-password");
    await page.waitForURL(/\/admin$/);
    await page.waitForFunction(() => document.querySelectorAll("#pending tr").length === 2);
    // An admin's bar: its name, Admin (current) and Sign out, once each.
    await page.waitForSelector("#eyrie-user:not([hidden])");
    assert.equal(await page.isVisible("#eyrie-admin"), true);
    assert.equal(await page.isVisible('nav.eyrie-nav a[href="/library"]'), true);
    assert.equal(await page.getAttribute("#eyrie-admin", "aria-current"), "page");
    assert.equal(await page.locator("text=Sign out").count(), 1);
    assert.match(
      JSON.stringify(await page.evaluate(() => fetch("/api/auth/me").then((r) => r.json()))),
      /"grantText":"all cameras;/,
    );
    const row = (label: string) => page.locator("#pending tr", { hasText: label });
    await row("garage").locator("button", { hasText: "Approve" }).click();
    await page.waitForFunction(() => document.querySelectorAll("#pending tr").length === 1);
    await row("nogrant").locator("button", { hasText: "Deny" }).click();
    await page.waitForFunction(() => document.getElementById("nopending")?.hidden === false);
    const decisions = t.store.approvals.list().map((a) => `${a.label}:${a.status}:${a.decidedBy}`);
    assert.deepEqual(decisions.sort(), ["garage:approved:root", "nogrant:denied:root"]);
    const grants = await page.locator("#grants tr").allTextContents();
    assert.equal(grants.length, 1);
    assert.match(grants[0], /garage.*back; max ultra.*root/);
    assert.deepEqual(problems, []);
  } finally {
    await server.close();
  }
});
