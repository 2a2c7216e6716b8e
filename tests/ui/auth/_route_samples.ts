/**
 * One or more concrete requests per row of the access table, with the
 * camera each concerns. Tests check that every row has a sample and run the
 * permission matrix over them; a new row without a sample fails the tests.
 */
export interface RouteSample {
  /** The row's pattern (the row the sample must match). */
  pattern: string;
  method: string;
  path: string;
  /** The camera the request concerns; null: every camera. */
  camera: string | null;
}

export const ROUTE_SAMPLES: readonly RouteSample[] = [
  { pattern: "/login", method: "GET", path: "/login", camera: null },
  { pattern: "/library", method: "GET", path: "/library", camera: null },
  { pattern: "/api/openapi.json", method: "GET", path: "/api/openapi.json", camera: null },
  { pattern: "/api/docs", method: "GET", path: "/api/docs", camera: null },
  { pattern: "/api/library", method: "GET", path: "/api/library", camera: null },
  { pattern: "/api/library/*", method: "GET", path: "/api/library/items/1", camera: null },
  {
    pattern: "/api/library/items/:id/position",
    method: "PUT",
    path: "/api/library/items/1/position",
    camera: null,
  },
  {
    pattern: "/api/library/playlists",
    method: "POST",
    path: "/api/library/playlists",
    camera: null,
  },
  {
    pattern: "/api/library/playlists/:id",
    method: "PUT",
    path: "/api/library/playlists/1",
    camera: null,
  },
  {
    pattern: "/api/library/playlists/:id",
    method: "DELETE",
    path: "/api/library/playlists/1",
    camera: null,
  },
  {
    pattern: "/api/library/:library/scan",
    method: "POST",
    path: "/api/library/films/scan",
    camera: null,
  },
  { pattern: "/favicon.svg", method: "GET", path: "/favicon.svg", camera: null },
  { pattern: "/favicon.ico", method: "GET", path: "/favicon.ico", camera: null },
  { pattern: "/api/auth/login", method: "POST", path: "/api/auth/login", camera: null },
  { pattern: "/api/auth/logout", method: "POST", path: "/api/auth/logout", camera: null },
  { pattern: "/api/auth/me", method: "GET", path: "/api/auth/me", camera: null },
  { pattern: "/api/auth/request", method: "POST", path: "/api/auth/request", camera: null },
  { pattern: "/access", method: "GET", path: "/access", camera: null },
  { pattern: "/api/auth/*", method: "GET", path: "/api/auth/users", camera: null },
  { pattern: "/api/auth/*", method: "GET", path: "/api/auth/approvals", camera: null },
  { pattern: "/api/auth/*", method: "PUT", path: "/api/auth/grants/user:x", camera: null },
  { pattern: "/admin", method: "GET", path: "/admin", camera: null },
  { pattern: "/api/cameras", method: "GET", path: "/api/cameras", camera: null },
  { pattern: "/api/cameras/:id", method: "GET", path: "/api/cameras/front", camera: "front" },
  {
    pattern: "/api/cameras/:id/sdp",
    method: "GET",
    path: "/api/cameras/front/sdp",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/snapshot.jpg",
    method: "GET",
    path: "/api/cameras/front/snapshot.jpg",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/mjpeg",
    method: "GET",
    path: "/api/cameras/front/mjpeg",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/hls/*",
    method: "GET",
    path: "/api/cameras/front/hls/index.m3u8",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/hls/*",
    method: "GET",
    path: "/api/cameras/front/hls/part/3.mp4",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/whep",
    method: "POST",
    path: "/api/cameras/front/whep",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/whep",
    method: "OPTIONS",
    path: "/api/cameras/front/whep",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/whep/*",
    method: "DELETE",
    path: "/api/cameras/front/whep/3f2a",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/whep/*",
    method: "PATCH",
    path: "/api/cameras/front/whep/3f2a",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/talk",
    method: "POST",
    path: "/api/cameras/front/talk",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/talk",
    method: "OPTIONS",
    path: "/api/cameras/front/talk",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/talk/*",
    method: "DELETE",
    path: "/api/cameras/front/talk/3f2a",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/quality",
    method: "POST",
    path: "/api/cameras/front/quality",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/bitrate",
    method: "POST",
    path: "/api/cameras/front/bitrate",
    camera: "front",
  },
  {
    pattern: "/api/cameras/:id/recording",
    method: "POST",
    path: "/api/cameras/front/recording",
    camera: "front",
  },
  {
    pattern: "/api/recordings",
    method: "GET",
    path: "/api/recordings?camera=front",
    camera: "front",
  },
  { pattern: "/api/recordings", method: "GET", path: "/api/recordings", camera: null },
  {
    pattern: "/api/recordings/events",
    method: "GET",
    path: "/api/recordings/events?camera=front",
    camera: "front",
  },
  {
    pattern: "/api/recordings/cameras",
    method: "GET",
    path: "/api/recordings/cameras",
    camera: null,
  },
  {
    pattern: "/api/recordings/download",
    method: "GET",
    path: "/api/recordings/download?camera=front&from=0&to=1000",
    camera: "front",
  },
  {
    pattern: "/api/recordings/exports",
    method: "GET",
    path: "/api/recordings/exports?camera=front",
    camera: "front",
  },
  {
    pattern: "/api/recordings/exports",
    method: "GET",
    path: "/api/recordings/exports",
    camera: null,
  },
  {
    pattern: "/api/recordings/cameras/:camera/*",
    method: "POST",
    path: "/api/recordings/cameras/front/pause",
    camera: "front",
  },
  { pattern: "/api/recordings/:id", method: "GET", path: "/api/recordings/1", camera: "front" },
  {
    pattern: "/api/recordings/:id/*",
    method: "GET",
    path: "/api/recordings/1/thumbnail.jpg",
    camera: "front",
  },
  { pattern: "/api/events", method: "GET", path: "/api/events?camera=front", camera: "front" },
  { pattern: "/api/events", method: "GET", path: "/api/events", camera: null },
  {
    pattern: "/api/events/stream",
    method: "GET",
    path: "/api/events/stream?camera=front",
    camera: "front",
  },
  { pattern: "/api/events/:id", method: "GET", path: "/api/events/1", camera: "front" },
  {
    pattern: "/api/events/:id/snapshot.jpg",
    method: "GET",
    path: "/api/events/1/snapshot.jpg",
    camera: "front",
  },
  { pattern: "/api/detection", method: "GET", path: "/api/detection", camera: null },
  { pattern: "/api/health", method: "GET", path: "/api/health", camera: null },
  { pattern: "/api/config/*", method: "POST", path: "/api/config/reload", camera: null },
  { pattern: "/metrics", method: "GET", path: "/metrics", camera: null },
];
