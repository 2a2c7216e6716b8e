/**
 * The access middleware, mounted before every route: refuses cross-site
 * state changes, finds who is asking (client certificate, session cookie),
 * matches the request against the access table (ui/auth/access_table.ts)
 * and lets it through, or answers 401 (nobody signed in; pages redirect to
 * /login) or 403 (not allowed; pages of a principal without a grant
 * redirect to /access). Routes never check permissions themselves.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { QualityPreset } from "../../actors/defs.ts";
import type { System } from "../../actors/system/mod.ts";
import { type AccessMatch, matchAccess } from "../auth/access_table.ts";
import { crossOriginProblem } from "../auth/csrf.ts";
import { grantsCamera, parseQuality } from "../auth/grant.ts";
import { decide, type Principal, type Target } from "../auth/policy.ts";
import { recordingCamera } from "../auth/recording_camera.ts";
import { eventCamera } from "../auth/event_camera.ts";
import type { AuthService } from "../auth/service.ts";
import { SESSION_COOKIE } from "../auth/session.ts";
import { isLoopback, parseListen } from "../config/mod.ts";
import { connOf } from "./conn.ts";

/** The principal of the request, for the auth routes (set by the middleware). */
export const PRINCIPAL = "eyrie.principal";

/** The principal the middleware found for `c`. */
export function principalOf(c: Context): Principal {
  return (c.get(PRINCIPAL as never) as Principal | undefined) ?? { kind: "anonymous" };
}

function wantsPage(c: Context): boolean {
  return (c.req.method === "GET" || c.req.method === "HEAD") &&
    !c.req.path.startsWith("/api/") && (c.req.header("accept") ?? "").includes("text/html");
}

/** A path to come back to after signing in: local, never "//host". */
function nextParam(c: Context): string {
  const url = new URL(c.req.url);
  return encodeURIComponent(`${url.pathname}${url.search}`);
}

function target(c: Context, system: System, auth: AuthService, m: AccessMatch): Target {
  const from = m.rule.camera;
  if (from === undefined) return { camera: null };
  let camera: string | null = null;
  if ("param" in from) camera = m.params[from.param] ?? null;
  else if ("recording" in from) {
    camera = recordingCamera(auth.store.db, m.params[from.recording] ?? "");
  } else if ("event" in from) {
    camera = eventCamera(auth.store.db, m.params[from.event] ?? "");
  } else {
    const asked = c.req.queries(from.query) ?? [];
    // Every value must be allowed: a route may read the first or all of them.
    camera = asked.length === 1 ? asked[0] : null;
    if (asked.length > 1) return { camera: asked.join(",") };
  }
  const node = camera === null ? undefined : system.cameras.get(camera);
  let quality: QualityPreset | undefined;
  const q = c.req.query("quality");
  if (q !== undefined) {
    try {
      quality = parseQuality(q);
    } catch {
      // Not a preset: the route answers it.
    }
  }
  return {
    camera,
    stream: node === undefined
      ? undefined
      : { width: node.config.width, height: node.config.height, fps: node.config.fps },
    quality,
  };
}

/** Cuts `GET /api/cameras` to the cameras `principal` may watch. */
async function filterCameraList(c: Context, principal: Principal): Promise<void> {
  if (principal.kind !== "user" && principal.kind !== "certificate") return;
  if (principal.kind === "user" && principal.role === "admin") return;
  const grant = principal.grant;
  const res = c.res;
  if (!res.ok || !(res.headers.get("content-type") ?? "").includes("application/json")) return;
  const list: unknown = await res.clone().json();
  if (!Array.isArray(list)) return;
  const kept = list.filter((item) =>
    grant !== null && typeof item === "object" && item !== null &&
    grantsCamera(
      grant,
      String((item as { id?: unknown }).id ?? (item as { camera?: unknown }).camera),
    )
  );
  res.headers.delete("content-length");
  c.res = new Response(JSON.stringify(kept), { status: res.status, headers: res.headers });
}

/** With auth off on a loopback console, only loopback host names: a DNS-rebinding page is refused. */
function rebindingProblem(c: Context, auth: AuthService): string | null {
  const config = auth.config;
  if (config.console.insecure || !isLoopback(parseListen(config.console.listen).hostname)) {
    return null;
  }
  const host = new URL(c.req.url).hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "localhost" || host.endsWith(".localhost") || isLoopback(host)) return null;
  return `Host "${host}" is not this machine; open the console at localhost or 127.0.0.1`;
}

/**
 * The middleware. `auth` gives the auth service, or throws when the state
 * file cannot be opened (every request then fails closed with 503).
 */
export function accessControl(system: System, auth: () => AuthService): MiddlewareHandler {
  return async (c, next) => {
    const csrf = crossOriginProblem({
      method: c.req.method,
      url: c.req.url,
      secFetchSite: c.req.header("sec-fetch-site"),
      origin: c.req.header("origin"),
    });
    if (csrf !== null) return c.json({ error: csrf }, 403);
    let service: AuthService;
    try {
      service = auth();
    } catch (error) {
      system.log.error("cannot read users and permissions", { error: (error as Error).message });
      return c.json({ error: "Users and permissions cannot be read; see the logs" }, 503);
    }
    const m = matchAccess(c.req.method, c.req.path);
    let principal: Principal;
    switch (service.mode()) {
      case "closed":
        return c.json({
          error: "The console is reachable from the network and nobody can sign in: " +
            "add a user with `eyrie user add NAME --admin`",
        }, 503);
      case "off": {
        const problem = rebindingProblem(c, service);
        if (problem !== null) return c.json({ error: problem }, 403);
        principal = { kind: "local" };
        break;
      }
      case "on":
        principal = await service.principal(
          connOf(c)?.peer ?? null,
          getCookie(c, SESSION_COOKIE),
        );
        break;
    }
    c.set(PRINCIPAL as never, principal as never);
    const decision = decide(principal, m.rule, target(c, system, service, m));
    switch (decision.kind) {
      case "allow":
        await next();
        if (m.rule.filterCameraList) await filterCameraList(c, principal);
        return;
      case "unauthenticated":
        if (wantsPage(c)) return c.redirect(`/login?next=${nextParam(c)}`, 303);
        c.header("WWW-Authenticate", 'Cookie realm="eyrie", form-action="/login"');
        return c.json({ error: decision.reason, login: "/login" }, 401);
      case "forbidden":
        if (wantsPage(c) && decision.canAsk) return c.redirect("/access", 303);
        return c.json(
          decision.canAsk ? { error: decision.reason, ask: "/api/auth/request" } : {
            error: decision.reason,
          },
          403,
        );
    }
  };
}
