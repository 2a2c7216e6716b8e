/**
 * The one table that says what each route needs. The access middleware
 * (ui/http/access.ts) matches every request against it before any route
 * runs; the first row whose method and pattern match decides. Anything
 * under /api that no row names needs an admin, so a route added later is
 * safe until it is listed here; any other path (console pages, assets)
 * needs a signed-in principal with a grant.
 *
 * Patterns: literal segments, `:name` (one segment, the value decoded like
 * Hono's params) and a final `*` (any rest, including none).
 *
 * @module
 */

/**
 * What a route needs:
 * - `public`: nothing (the login page and the login call);
 * - `signed_in`: any known principal, even one without a grant (who am I,
 *   ask for access);
 * - `any_grant`: a principal that may watch at least one camera;
 * - `view`: may watch the camera (and the stream is within max_quality);
 * - `download`: may download recordings of the camera;
 * - `record`: may start and stop recording of the camera;
 * - `control`: may change the camera's quality or bitrate;
 * - `talk`: may talk through the camera's speaker (it must also be allowed to watch it);
 * - `admin`: an admin.
 */
export type Requirement =
  | "public"
  | "library"
  | "signed_in"
  | "any_grant"
  | "view"
  | "download"
  | "record"
  | "control"
  | "talk"
  | "admin";

/**
 * Where a camera-scoped row finds its camera: a path parameter, a query
 * parameter (absent: the request covers every camera, so the grant must
 * too), or a recording or event id in a path parameter (its camera looked
 * up in the recording index or the events store).
 */
export type CameraFrom =
  | { param: string }
  | { query: string }
  | { recording: string }
  | { event: string };

/** One row of the table. */
export interface AccessRule {
  /** Upper-case methods, or "*" for any. */
  methods: readonly string[] | "*";
  pattern: string;
  need: Requirement;
  /** Required for view, download, record, control and talk. */
  camera?: CameraFrom;
  /** The JSON list (items with `id` or `camera`) is cut to the cameras the principal may watch. */
  filterCameraList?: true;
}

const ANY = "*";
const GET = ["GET", "HEAD"];
const CAMERA_ID: CameraFrom = { param: "id" };
const CAMERA_QUERY: CameraFrom = { query: "camera" };
const RECORDING_ID: CameraFrom = { recording: "id" };
const EVENT_ID: CameraFrom = { event: "id" };

/** Every route's requirement. Order matters: the first match wins. */
export const ACCESS_TABLE: readonly AccessRule[] = [
  // Signing in.
  { methods: GET, pattern: "/login", need: "public" },
  // The icon the sign-in page names too.
  { methods: GET, pattern: "/favicon.svg", need: "public" },
  { methods: GET, pattern: "/favicon.ico", need: "public" },
  { methods: ["POST"], pattern: "/api/auth/login", need: "public" },
  { methods: ["POST"], pattern: "/api/auth/logout", need: "public" },
  { methods: GET, pattern: "/api/auth/me", need: "signed_in" },
  { methods: ["POST"], pattern: "/api/auth/request", need: "signed_in" },
  { methods: GET, pattern: "/access", need: "signed_in" },
  // Users, grants, approvals: admins only (also the default; listed to be explicit).
  { methods: ANY, pattern: "/api/auth/*", need: "admin" },
  { methods: GET, pattern: "/admin", need: "admin" },
  // Cameras and live view.
  { methods: GET, pattern: "/api/cameras", need: "any_grant", filterCameraList: true },
  { methods: GET, pattern: "/api/cameras/:id", need: "view", camera: CAMERA_ID },
  { methods: GET, pattern: "/api/cameras/:id/sdp", need: "view", camera: CAMERA_ID },
  { methods: GET, pattern: "/api/cameras/:id/snapshot.jpg", need: "view", camera: CAMERA_ID },
  { methods: GET, pattern: "/api/cameras/:id/mjpeg", need: "view", camera: CAMERA_ID },
  { methods: GET, pattern: "/api/cameras/:id/hls/*", need: "view", camera: CAMERA_ID },
  {
    methods: ["POST", "OPTIONS"],
    pattern: "/api/cameras/:id/whep",
    need: "view",
    camera: CAMERA_ID,
  },
  {
    methods: ["DELETE", "PATCH"],
    pattern: "/api/cameras/:id/whep/*",
    need: "view",
    camera: CAMERA_ID,
  },
  {
    methods: ["POST", "OPTIONS"],
    pattern: "/api/cameras/:id/talk",
    need: "talk",
    camera: CAMERA_ID,
  },
  { methods: ["DELETE"], pattern: "/api/cameras/:id/talk/*", need: "talk", camera: CAMERA_ID },
  { methods: ANY, pattern: "/api/cameras/:id/quality", need: "control", camera: CAMERA_ID },
  { methods: ANY, pattern: "/api/cameras/:id/bitrate", need: "control", camera: CAMERA_ID },
  { methods: ANY, pattern: "/api/cameras/:id/recording", need: "record", camera: CAMERA_ID },
  // Recordings and events.
  { methods: GET, pattern: "/api/recordings", need: "download", camera: CAMERA_QUERY },
  { methods: GET, pattern: "/api/recordings/events", need: "download", camera: CAMERA_QUERY },
  { methods: GET, pattern: "/api/recordings/cameras", need: "download", camera: CAMERA_QUERY },
  { methods: GET, pattern: "/api/recordings/download", need: "download", camera: CAMERA_QUERY },
  { methods: GET, pattern: "/api/recordings/exports", need: "download", camera: CAMERA_QUERY },
  {
    methods: ["POST"],
    pattern: "/api/recordings/cameras/:camera/*",
    need: "record",
    camera: { param: "camera" },
  },
  { methods: GET, pattern: "/api/recordings/:id", need: "download", camera: RECORDING_ID },
  { methods: GET, pattern: "/api/recordings/:id/*", need: "download", camera: RECORDING_ID },
  { methods: GET, pattern: "/api/events", need: "view", camera: CAMERA_QUERY },
  { methods: GET, pattern: "/api/events/stream", need: "view", camera: CAMERA_QUERY },
  { methods: GET, pattern: "/api/events/:id", need: "view", camera: EVENT_ID },
  { methods: GET, pattern: "/api/events/:id/snapshot.jpg", need: "view", camera: EVENT_ID },
  { methods: GET, pattern: "/api/detection", need: "any_grant", filterCameraList: true },
  // The video library: a grant with libraries; each route keeps to those (ui/http/library.ts).
  { methods: GET, pattern: "/library", need: "library" },
  { methods: GET, pattern: "/api/library", need: "library" },
  { methods: ["POST"], pattern: "/api/library/:library/scan", need: "admin" },
  { methods: ["PUT"], pattern: "/api/library/items/:id/position", need: "library" },
  { methods: ["POST"], pattern: "/api/library/playlists", need: "library" },
  { methods: ["PUT", "DELETE"], pattern: "/api/library/playlists/:id", need: "library" },
  { methods: GET, pattern: "/api/library/*", need: "library" },
  // The API's own description: for anyone signed in.
  { methods: GET, pattern: "/api/openapi.json", need: "signed_in" },
  { methods: GET, pattern: "/api/docs", need: "signed_in" },
  // The rest of the API.
  { methods: GET, pattern: "/api/health", need: "any_grant" },
  { methods: ANY, pattern: "/api/config/*", need: "admin" },
  { methods: GET, pattern: "/metrics", need: "admin" },
];

/** What an unlisted path under /api needs. */
export const DEFAULT_API_RULE: AccessRule = { methods: ANY, pattern: "/api/*", need: "admin" };
/** What any other unlisted path (console pages, assets) needs. */
export const DEFAULT_PAGE_RULE: AccessRule = { methods: ANY, pattern: "/*", need: "any_grant" };

/** A matched row with the values of its `:name` segments. */
export interface AccessMatch {
  rule: AccessRule;
  params: Record<string, string>;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Matches `path` against `pattern`; the params, or null. */
export function matchPattern(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  // One trailing slash is the same resource ("/api/cameras/" is "/api/cameras").
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  const got = trimmed.split("/");
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (w === "*" && i === want.length - 1) return params;
    if (i >= got.length) return null;
    if (w.startsWith(":")) {
      if (got[i] === "") return null;
      params[w.slice(1)] = decode(got[i]);
    } else if (w !== got[i]) return null;
  }
  return got.length === want.length ? params : null;
}

/** The first row that matches, or the default for the path. */
export function matchAccess(
  method: string,
  path: string,
  table: readonly AccessRule[] = ACCESS_TABLE,
): AccessMatch {
  for (const rule of table) {
    if (rule.methods !== ANY && !rule.methods.includes(method)) continue;
    const params = matchPattern(rule.pattern, path);
    if (params !== null) return { rule, params };
  }
  const fallback = path === "/api" || path.startsWith("/api/")
    ? DEFAULT_API_RULE
    : DEFAULT_PAGE_RULE;
  return { rule: fallback, params: {} };
}
