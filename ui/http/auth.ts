/**
 * Signing in and out, who am I, asking for access, and the /login,
 * /access and /admin pages. {@linkcode mountAuth} puts the access
 * middleware in front of every route and adds these routes; what each
 * route needs is in ui/auth/access_table.ts, not here.
 *
 * @module
 */
import { validateRequests } from "./validate.ts";
import { type Context, Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { System } from "../../actors/system/mod.ts";
import { ApprovalError } from "../auth/approvals.ts";
import { describeGrant, parseCameraList } from "../auth/grant.ts";
import { accessPage } from "../auth/pages/access.ts";
import { adminPage } from "../auth/pages/admin.ts";
import { pageHeaders } from "../auth/pages/_layout.ts";
import { loginPage, safeNext } from "../auth/pages/login.ts";
import { subjectOf } from "../auth/policy.ts";
import { AuthService, AuthStore } from "../auth/service.ts";
import { issueSession, SESSION_COOKIE, SESSION_TTL_S } from "../auth/session.ts";
import { accessControl, principalOf } from "./access.ts";
import { adminRoutes } from "./auth_admin.ts";
import { readFields } from "./_auth_body.ts";
import { connOf } from "./conn.ts";

/** What an admin, or anyone while auth is off, may do. */
const ALL_CAMERAS_TEXT = "all cameras; record, download, control quality; max ultra";

function html(c: Context, rendered: { html: string; csp: string }, status: 200 | 401 | 429 = 200) {
  return c.body(rendered.html, status, pageHeaders(rendered.csp));
}

function address(c: Context): string {
  return connOf(c)?.remote.address || "in-process";
}

function loginRoutes(auth: () => AuthService, system: System): Hono {
  const app = new Hono();
  app.get("/login", (c) => html(c, loginPage({ next: safeNext(c.req.query("next")) })));
  app.get("/access", (c) => html(c, accessPage()));
  app.get("/admin", (c) => html(c, adminPage()));

  app.post("/api/auth/login", async (c) => {
    const service = auth();
    const from = address(c);
    const body = await readFields(c);
    if (!body.ok) return c.json({ error: body.error }, body.status);
    const { form, fields } = body;
    const next = safeNext(typeof fields.next === "string" ? fields.next : undefined);
    const refuse = (status: 400 | 401 | 429, error: string) => {
      if (!form) return c.json({ error }, status);
      const name = typeof fields.name === "string" ? fields.name.slice(0, 64) : "";
      return html(c, loginPage({ next, error, name }), status === 400 ? 401 : status);
    };
    if (typeof fields.name !== "string" || typeof fields.password !== "string") {
      return refuse(400, "Give name and password");
    }
    // Counted before the password is checked, with no await in between: see throttle.ts.
    const admitted = service.throttle.begin(from, fields.name, Date.now());
    if (!admitted.ok) {
      const wait = admitted.retryAfterS;
      c.header("Retry-After", String(wait));
      return refuse(
        429,
        admitted.limited === "address"
          ? `Too many failed sign-ins from ${from}; try again in ${wait} s`
          : `Too many failed sign-ins for this user; try again in ${wait} s`,
      );
    }
    const user = await service.store.users.authenticate(fields.name, fields.password);
    if (user === null) {
      // The name only when it is a user's: a password typed into the name field stays out of logs.
      const known = service.store.users.get(fields.name) !== null;
      system.log.warn("sign-in failed", { user: known ? fields.name : "(unknown)", address: from });
      return refuse(401, "Wrong user name or password");
    }
    service.throttle.succeed(admitted.attempt);
    const token = await issueSession(await service.key, user);
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: "Strict",
      secure: connOf(c)?.secure ?? false,
      path: "/",
      maxAge: SESSION_TTL_S,
    });
    system.log.info("signed in", { user: user.name, address: from });
    if (form) return c.redirect(next, 303);
    return c.json({ name: user.name, role: user.role, expires_s: SESSION_TTL_S });
  });

  app.post("/api/auth/logout", async (c) => {
    const principal = principalOf(c);
    const body = await readFields(c);
    if (principal.kind === "user" && principal.via === "session") {
      // Ends every session of the user: a token cannot be taken back one by one.
      auth().store.users.endSessions(principal.name);
      system.log.info("signed out", { user: principal.name, address: address(c) });
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    if (body.ok && body.form) return c.redirect("/login", 303);
    return c.body(null, 204);
  });

  app.get("/api/auth/me", (c) => {
    const p = principalOf(c);
    const subject = subjectOf(p);
    const approval = subject === null ? null : auth().store.approvals.latest(subject);
    switch (p.kind) {
      case "local":
        return c.json({
          kind: "local",
          role: "admin",
          note: "auth is off (no users)",
          grantText: ALL_CAMERAS_TEXT,
        });
      case "anonymous":
        return c.json({ kind: "anonymous" });
      case "user":
        // An admin's grant row is moot: the role lets it do everything (policy.ts).
        return c.json({
          ...p,
          grantText: p.role === "admin" ? ALL_CAMERAS_TEXT : describeGrant(p.grant),
          approval,
        });
      case "certificate":
        return c.json({ ...p, grantText: describeGrant(p.grant), approval });
    }
  });

  app.post("/api/auth/request", async (c) => {
    const p = principalOf(c);
    if (p.kind !== "user" && p.kind !== "certificate") {
      return c.json({ error: "Auth is off: there is nothing to ask for" }, 400);
    }
    if (p.kind === "user" && p.role === "admin") {
      return c.json({ error: "Admins may do everything already" }, 400);
    }
    const body = await readFields(c);
    if (!body.ok) return c.json({ error: body.error }, body.status);
    const { cameras, note } = body.fields;
    let asked: readonly string[] | "*" = [];
    try {
      if (typeof cameras === "string" || Array.isArray(cameras)) {
        asked = parseCameraList(typeof cameras === "string" ? cameras : cameras.map(String));
      } else if (cameras !== undefined) throw new TypeError("cameras must be a list or a string");
    } catch (e) {
      return c.json({ error: (e as Error).message }, 400);
    }
    if (note !== undefined && typeof note !== "string") {
      return c.json({ error: "note must be a string" }, 400);
    }
    try {
      const approval = auth().store.approvals.ask({
        subject: subjectOf(p)!,
        label: p.kind === "user" ? p.name : p.cn,
        fingerprint256: p.kind === "certificate" ? p.fingerprint256 : null,
        cameras: asked,
        note: note ?? "",
        address: address(c),
      });
      system.log.info("access requested", { subject: approval.subject, id: approval.id });
      return c.json(approval, 202);
    } catch (e) {
      if (e instanceof ApprovalError) return c.json({ error: e.message }, e.status);
      throw e;
    }
  });
  return app;
}

/**
 * Mounts access control and the auth routes on `app`: call before any
 * other route. The state file opens on the first request; if it cannot,
 * every request is refused (503) and the error logged, again on each try.
 */
/**
 * Access control, then request validation (validate.ts), then the auth routes: both
 * middlewares run before every route registered after them, these included.
 */
export function mountAuth(app: Hono, system: System): void {
  let service: AuthService | undefined;
  const auth = () =>
    service ??= new AuthService(AuthStore.open(system.config.data_dir), () => system.config);
  app.use(accessControl(system, auth));
  app.use(validateRequests()); // then queries and bodies, by the document's schemas
  app.route("/", loginRoutes(auth, system));
  app.route("/api/auth", adminRoutes(auth, system));
}
