/**
 * Admin routes under /api/auth: users (read; `eyrie user` changes them),
 * grants (set, revoke), and approval requests (list, approve, deny). The
 * access table lets only admins reach them.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import type { System } from "../../actors/system/mod.ts";
import { ApprovalError } from "../auth/approvals.ts";
import {
  DEFAULT_GRANT,
  describeGrant,
  type Grant,
  parseCameraList,
  parseQuality,
} from "../auth/grant.ts";
import { userSubject } from "../auth/grants.ts";
import type { Principal } from "../auth/policy.ts";
import type { AuthService } from "../auth/service.ts";
import { principalOf } from "./access.ts";
import { readFields } from "./_auth_body.ts";

function adminName(p: Principal): string {
  return p.kind === "user" ? p.name : p.kind;
}

/** `base` with the fields given in `body` applied; throws a TypeError naming a bad field. */
function grantFrom(body: Record<string, unknown>, base: Grant): Grant {
  const flag = (
    key: "can_record" | "can_download" | "can_control_quality" | "can_talk",
  ): boolean => {
    const v = body[key];
    if (v === undefined) return base[key] ?? false;
    if (typeof v !== "boolean") throw new TypeError(`${key} must be true or false`);
    return v;
  };
  const cams = body.cameras;
  let cameras = base.cameras;
  if (typeof cams === "string") cameras = parseCameraList(cams);
  else if (Array.isArray(cams)) cameras = parseCameraList(cams.map(String));
  else if (cams !== undefined) throw new TypeError("cameras must be a list of ids or a string");
  const max = body.max_quality;
  if (max !== undefined && typeof max !== "string") {
    throw new TypeError("max_quality must be a string");
  }
  const libs = body.libraries;
  let libraries = base.libraries ?? [];
  if (typeof libs === "string") libraries = parseLibraryList(libs);
  else if (Array.isArray(libs)) libraries = parseLibraryList(libs.map(String));
  else if (libs !== undefined) throw new TypeError("libraries must be a list of ids or a string");
  return {
    cameras,
    libraries,
    can_record: flag("can_record"),
    can_download: flag("can_download"),
    can_control_quality: flag("can_control_quality"),
    can_talk: flag("can_talk"),
    max_quality: max === undefined ? base.max_quality : parseQuality(max),
  };
}

/** Library ids follow the camera id rule; the message names them as libraries. */
function parseLibraryList(value: string | readonly string[]): readonly string[] | "*" {
  try {
    return parseCameraList(value);
  } catch (e) {
    throw new TypeError((e as Error).message.replace(/camera/g, "library"));
  }
}

function union(a: readonly string[] | "*", b: readonly string[] | "*"): readonly string[] | "*" {
  if (a === "*" || b === "*") return "*";
  return [...new Set([...a, ...b])];
}

function approvalId(c: Context): number | null {
  const id = c.req.param("id") ?? "";
  return /^\d{1,15}$/.test(id) ? Number(id) : null;
}

export function adminRoutes(auth: () => AuthService, system: System): Hono {
  const app = new Hono();
  app.get("/users", (c) => {
    const { users, grants } = auth().store;
    return c.json(
      users.list().map((u) => {
        const grant = grants.get(userSubject(u.name));
        return { ...u, grant, text: u.role === "admin" ? "everything" : describeGrant(grant) };
      }),
    );
  });

  app.get(
    "/grants",
    (c) => c.json(auth().store.grants.list().map((r) => ({ ...r, text: describeGrant(r.grant) }))),
  );

  app.put("/grants/:subject", async (c) => {
    const subject = c.req.param("subject");
    if (!/^(user|cert):.{1,200}$/.test(subject)) {
      return c.json(
        { error: `Subject "${subject.slice(0, 80)}" is not user:NAME or cert:FP` },
        400,
      );
    }
    const body = await readFields(c);
    if (!body.ok) return c.json({ error: body.error }, body.status);
    const { grants } = auth().store;
    let grant: Grant;
    try {
      grant = grantFrom(body.fields, grants.get(subject) ?? DEFAULT_GRANT);
    } catch (e) {
      return c.json({ error: (e as Error).message }, 400);
    }
    const existing = grants.list().find((r) => r.subject === subject);
    const label = typeof body.fields.label === "string"
      ? body.fields.label.slice(0, 64)
      : existing?.label ?? subject.slice(subject.indexOf(":") + 1);
    const by = adminName(principalOf(c));
    grants.set(subject, label, grant, by);
    system.log.info("access set", { subject, by, grant: describeGrant(grant) });
    return c.json({ subject, label, grant });
  });

  app.delete("/grants/:subject", (c) => {
    const subject = c.req.param("subject");
    if (!auth().store.grants.remove(subject)) {
      return c.json({ error: `No grant for "${subject.slice(0, 80)}"` }, 404);
    }
    system.log.info("access revoked", { subject, by: adminName(principalOf(c)) });
    return c.body(null, 204);
  });

  app.get("/approvals", (c) => {
    const status = c.req.query("status");
    if (
      status !== undefined && status !== "pending" && status !== "approved" && status !== "denied"
    ) {
      return c.json({ error: `status must be pending, approved or denied, got "${status}"` }, 400);
    }
    return c.json(auth().store.approvals.list(status));
  });

  app.post("/approvals/:id/:decision{approve|deny}", async (c) => {
    const id = approvalId(c);
    if (id === null) return c.json({ error: "An approval id is a number" }, 400);
    const { approvals, grants, db } = auth().store;
    const request = approvals.get(id);
    if (request === null) return c.json({ error: `No approval request ${id}` }, 404);
    const body = await readFields(c);
    if (!body.ok) return c.json({ error: body.error }, body.status);
    const by = adminName(principalOf(c));
    const approve = c.req.param("decision") === "approve";
    let grant: Grant | null = null;
    if (approve) {
      // The request adds to what the subject may do already; the body may override any field.
      const current = grants.get(request.subject);
      const asked = request.cameras === "*" || request.cameras.length > 0 ? request.cameras : "*";
      const base: Grant = current === null
        ? { ...DEFAULT_GRANT, cameras: asked }
        : { ...current, cameras: union(current.cameras, asked) };
      try {
        grant = grantFrom(body.fields, base);
      } catch (e) {
        return c.json({ error: (e as Error).message }, 400);
      }
    }
    db.exec("BEGIN IMMEDIATE");
    try {
      if (grant !== null) grants.set(request.subject, request.label, grant, by);
      // Denying what was approved takes the access back.
      else if (request.status === "approved") grants.remove(request.subject);
      const decided = approvals.decide(id, approve ? "approved" : "denied", by);
      db.exec("COMMIT");
      system.log.info(approve ? "access approved" : "access denied", {
        subject: request.subject,
        id,
        by,
        ...(grant === null ? {} : { grant: describeGrant(grant) }),
      });
      return c.json({ ...decided, grant });
    } catch (e) {
      db.exec("ROLLBACK");
      if (e instanceof ApprovalError) return c.json({ error: e.message }, e.status);
      throw e;
    }
  });
  return app;
}
