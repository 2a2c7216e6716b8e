/**
 * What a principal may do: its role, and for viewers a grant — which
 * cameras it may watch, whether it may record, download, change quality and talk,
 * and the highest quality it may watch. Pure: no storage, no I/O.
 *
 * @module
 */
import type { QualityPreset } from "../../actors/defs.ts";
import { QUALITY_PRESETS } from "../config/mod.ts";

/** An admin may do everything; a viewer what its grant says. */
export type Role = "admin" | "viewer";

/** The roles, for parsing. */
export const ROLES: readonly Role[] = ["admin", "viewer"];

/** The qualities from lowest to highest (the camera presets). */
export const QUALITY_ORDER: readonly QualityPreset[] = ["low", "medium", "high", "ultra"];

/** A viewer's permissions. */
export interface Grant {
  /** Camera ids it may watch, or "*" for every camera (also cameras added later). */
  cameras: readonly string[] | "*";
  can_record: boolean;
  can_download: boolean;
  can_control_quality: boolean;
  /** May talk through the camera's speaker (two-way talk, docs/audio.md); absent = no. */
  can_talk?: boolean;
  /** The highest quality it may watch; a camera above it is refused. */
  max_quality: QualityPreset;
  /** `[[library]]` ids it may browse and play, or "*" for every library; absent = none. */
  libraries?: readonly string[] | "*";
}

/** Whether `grant` opens library `id`. */
export function grantsLibrary(grant: Grant | null, id: string): boolean {
  const libs = grant?.libraries;
  return libs === "*" || (libs !== undefined && libs.includes(id));
}

/** Whether `grant` opens any library at all. */
export function grantsAnyLibrary(grant: Grant | null): boolean {
  const libs = grant?.libraries;
  return libs === "*" || (libs !== undefined && libs.length > 0);
}

/** What a grant that names nothing gives: every camera, nothing else. */
export const DEFAULT_GRANT: Grant = {
  cameras: "*",
  can_record: false,
  can_download: false,
  can_control_quality: false,
  can_talk: false,
  max_quality: "ultra",
  libraries: [],
};

/** Most cameras a grant lists. Reason: eyrie runs at most 16 cameras; a list is a few ids. */
const MAX_GRANT_CAMERAS = 64;
const CAMERA_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** User names follow certificate names, so a client certificate's common name maps to its user. */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Returns `name` if it is a valid user name; throws a TypeError quoting it otherwise. */
export function checkUserName(name: string): string {
  if (!USER_NAME.test(name)) {
    throw new TypeError(
      `Invalid user name "${name}": use 1-64 letters, digits, ".", "_" or "-", ` +
        "starting with a letter or digit (a client certificate's name maps to the same user)",
    );
  }
  return name;
}

/** Parses a role; throws a TypeError quoting anything else. */
export function parseRole(value: string): Role {
  for (const role of ROLES) if (role === value) return role;
  throw new TypeError(`Unknown role "${value}": expected admin or viewer`);
}

/** Parses a quality preset name; throws a TypeError quoting anything else. */
export function parseQuality(value: string): QualityPreset {
  for (const q of QUALITY_ORDER) if (q === value) return q;
  throw new TypeError(`Unknown quality "${value}": expected ${QUALITY_ORDER.join(", ")}`);
}

/**
 * Parses a camera list: "*" (every camera) or ids separated by commas.
 * Throws a TypeError quoting a bad id.
 */
export function parseCameraList(value: string | readonly string[]): readonly string[] | "*" {
  const items = (typeof value === "string" ? value.split(",") : [...value])
    .map((s) => s.trim()).filter((s) => s !== "");
  if (items.includes("*")) return "*";
  if (items.length > MAX_GRANT_CAMERAS) {
    throw new RangeError(`A grant lists at most ${MAX_GRANT_CAMERAS} cameras, got ${items.length}`);
  }
  for (const id of items) {
    if (!CAMERA_ID.test(id)) throw new TypeError(`Invalid camera id "${id}"`);
  }
  return [...new Set(items)];
}

/** True if `grant` lets its holder watch camera `id`. */
export function grantsCamera(grant: Grant, id: string): boolean {
  return grant.cameras === "*" || grant.cameras.includes(id);
}

/**
 * The quality class of a stream: the lowest preset whose size and frame
 * rate both cover it; above "ultra" it ranks past the end.
 */
export function qualityRank(stream: { width: number; height: number; fps: number }): number {
  const pixels = stream.width * stream.height;
  const i = QUALITY_ORDER.findIndex((q) => {
    const p = QUALITY_PRESETS[q];
    return pixels <= p.width * p.height && stream.fps <= p.fps;
  });
  return i === -1 ? QUALITY_ORDER.length : i;
}

/** True if a stream of this size and rate is above `max`. */
export function exceedsQuality(
  stream: { width: number; height: number; fps: number },
  max: QualityPreset,
): boolean {
  return qualityRank(stream) > QUALITY_ORDER.indexOf(max);
}

/** A grant as one line, for `eyrie user list` and logs. */
export function describeGrant(grant: Grant | null): string {
  if (grant === null) return "no cameras";
  const cams = grant.cameras === "*" ? "all cameras" : grant.cameras.join(",") || "no cameras";
  const extra = [
    grant.can_record ? "record" : "",
    grant.can_download ? "download" : "",
    grant.can_control_quality ? "control quality" : "",
    grant.can_talk === true ? "talk" : "",
  ].filter((s) => s !== "");
  const libs = grant.libraries === "*"
    ? "; all libraries"
    : grant.libraries !== undefined && grant.libraries.length > 0
    ? `; libraries ${grant.libraries.join(",")}`
    : "";
  return `${cams}${
    extra.length > 0 ? `; ${extra.join(", ")}` : ""
  }; max ${grant.max_quality}${libs}`;
}
