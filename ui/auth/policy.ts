/**
 * Who is asking, and whether a row of the access table lets them. Pure:
 * the middleware gathers the facts (principal, camera, stream size) and
 * this decides.
 *
 * @module
 */
import type { QualityPreset } from "../../actors/defs.ts";
import type { AccessRule } from "./access_table.ts";
import {
  exceedsQuality,
  type Grant,
  grantsAnyLibrary,
  grantsCamera,
  QUALITY_ORDER,
  type Role,
} from "./grant.ts";
import { certSubject, userSubject } from "./grants.ts";

/** Who a request comes from. */
export type Principal =
  /** Auth is off (no users, no client certificates required) and the console is local. */
  | { kind: "local" }
  | {
    kind: "user";
    name: string;
    role: Role;
    /** A session cookie, or a client certificate whose common name is the user's name. */
    via: "session" | "certificate";
    grant: Grant | null;
  }
  /** A verified client certificate whose common name is no user's. */
  | { kind: "certificate"; cn: string; fingerprint256: string; grant: Grant | null }
  | { kind: "anonymous" };

/** The grant subject of a principal that can hold one. */
export function subjectOf(p: Principal): string | null {
  switch (p.kind) {
    case "user":
      return userSubject(p.name);
    case "certificate":
      return certSubject(p.fingerprint256);
    case "local":
    case "anonymous":
      return null;
  }
}

/** The outcome for one request. */
export type Decision =
  | { kind: "allow" }
  | { kind: "unauthenticated"; reason: string }
  | {
    kind: "forbidden";
    reason: string;
    /** True when asking an admin for access (POST /api/auth/request) may help. */
    canAsk: boolean;
  };

/** Facts about the request that camera-scoped rows need. */
export interface Target {
  /** The camera, or null when the request covers every camera (or its camera is unknown). */
  camera: string | null;
  /** Size and rate of that camera's stream, when it exists. */
  stream?: { width: number; height: number; fps: number };
  /** A quality the request asks for (`?quality=`). */
  quality?: QualityPreset;
}

const ALLOW: Decision = { kind: "allow" };

function forbidden(reason: string, canAsk = false): Decision {
  return { kind: "forbidden", reason, canAsk };
}

function isAdmin(p: Principal): boolean {
  return p.kind === "local" || (p.kind === "user" && p.role === "admin");
}

/** Whether `principal` may do what `rule` guards, on `target`. */
export function decide(principal: Principal, rule: AccessRule, target: Target): Decision {
  if (rule.need === "public") return ALLOW;
  if (principal.kind === "anonymous") {
    return { kind: "unauthenticated", reason: "Sign in first (POST /api/auth/login, or /login)" };
  }
  if (isAdmin(principal)) return ALLOW;
  if (rule.need === "admin") return forbidden("This needs an admin");
  if (rule.need === "signed_in") return ALLOW;
  const grant = principal.kind === "local" ? null : principal.grant;
  // Libraries are granted apart from cameras: a grant may open either without the other.
  if (rule.need === "library") {
    return grantsAnyLibrary(grant)
      ? ALLOW
      : forbidden("No access to any library yet; ask an admin (POST /api/auth/request)", true);
  }
  if (grant === null || (grant.cameras !== "*" && grant.cameras.length === 0)) {
    return forbidden("No access to any camera yet; ask an admin (POST /api/auth/request)", true);
  }
  if (rule.need === "any_grant") return ALLOW;
  if (target.camera === null) {
    if (grant.cameras !== "*") {
      return forbidden(
        `This covers every camera, and your access is to ${grant.cameras.join(", ")} only; ` +
          "name one with ?camera=ID",
      );
    }
  } else if (!grantsCamera(grant, target.camera)) {
    return forbidden(`No access to camera "${target.camera}"; ask an admin`, true);
  }
  switch (rule.need) {
    case "view": {
      const max = grant.max_quality;
      if (
        target.quality !== undefined &&
        QUALITY_ORDER.indexOf(target.quality) > QUALITY_ORDER.indexOf(max)
      ) {
        return forbidden(`Quality "${target.quality}" is above your limit "${max}"`);
      }
      if (target.stream !== undefined && exceedsQuality(target.stream, max)) {
        const s = target.stream;
        return forbidden(
          `Camera "${target.camera}" streams ${s.width}x${s.height} at ${s.fps} fps, ` +
            `above your limit "${max}"`,
        );
      }
      return ALLOW;
    }
    case "download":
      return grant.can_download
        ? ALLOW
        : forbidden("Downloading recordings is not allowed for you");
    case "record":
      return grant.can_record ? ALLOW : forbidden("Recording is not allowed for you");
    case "control":
      return grant.can_control_quality
        ? ALLOW
        : forbidden("Changing quality is not allowed for you");
    case "talk":
      return grant.can_talk === true
        ? ALLOW
        : forbidden(`Talking through camera "${target.camera}" is not allowed for you`, true);
  }
}
