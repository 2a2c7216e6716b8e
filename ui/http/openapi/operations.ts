/**
 * What each API route does, by the method and path it is registered with
 * (Hono's own route table): a summary, its tag, and the schemas of its
 * query and body (schemas.ts). The document (document.ts) is built from
 * the app's routes and this table; a test fails when either has a route the
 * other lacks.
 *
 * @module
 */
import type { z } from "zod";
import * as S from "./schemas.ts";

/** One documented operation. */
export interface Operation {
  summary: string;
  tag: string;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The body may be an urlencoded form with the same fields (HTML forms post them). */
  forms?: true;
  /** The body's media type when not JSON (WHEP offers are SDP). */
  bodyType?: string;
  /** What a success answers, when not JSON. */
  produces?: string;
}

const H = "health";
const C = "cameras";
const A = "auth";
const R = "recordings";
const E = "events";
const L = "library";
const X = "services";

/** Every API operation by "METHOD /path" as Hono registers it. */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  "GET /api/health": { tag: H, summary: "Status, uptime and every actor's state and restarts" },
  "GET /metrics": {
    tag: H,
    summary: "Prometheus metrics (text exposition)",
    produces: "text/plain",
  },
  "POST /api/config/reload": { tag: H, summary: "Re-read the config file (as SIGHUP)" },
  "GET /api/services": { tag: X, summary: "RTSP, MQTT and Janus publishers with their states" },
  "GET /api/rtsp": { tag: X, summary: "The RTSP server and its sessions" },
  "GET /api/mqtt": { tag: X, summary: "The MQTT client's state and counters" },

  "GET /api/cameras": { tag: C, summary: "Cameras the caller may watch, with status and stats" },
  "GET /api/cameras/:id": { tag: C, summary: "One camera" },
  "POST /api/cameras/:id/quality": {
    tag: C,
    summary: "Switch the camera to a quality preset",
    body: S.QualityBody,
  },
  "GET /api/cameras/:id/sdp": {
    tag: C,
    summary: "SDP of the camera's RTP outputs",
    query: S.SdpQuery,
    produces: "application/sdp",
  },
  "GET /api/cameras/:id/snapshot.jpg": {
    tag: C,
    summary: "The camera's newest picture",
    produces: "image/jpeg",
  },
  "GET /api/cameras/:id/mjpeg": {
    tag: C,
    summary: "Live MJPEG (multipart/x-mixed-replace)",
    produces: "multipart/x-mixed-replace",
  },
  "POST /api/cameras/:id/whep": {
    tag: C,
    summary: "WHEP: an SDP offer in, 201 with the answer and the session's Location",
    query: S.WhepQuery,
    bodyType: "application/sdp",
    produces: "application/sdp",
  },
  "PATCH /api/cameras/:id/whep/:session": {
    tag: C,
    summary: "WHEP: trickle ICE candidates",
    bodyType: "application/trickle-ice-sdpfrag",
  },
  "DELETE /api/cameras/:id/whep/:session": { tag: C, summary: "WHEP: end the session" },
  "OPTIONS /api/cameras/:id/whep": {
    tag: C,
    summary: "WHEP: the ICE servers to use, as Link headers (none with ICE lite)",
  },
  "POST /api/cameras/:id/talk": {
    tag: C,
    summary:
      "Two-way talk: an SDP offer sending the microphone in, 201 with the answer and the session's Location; 409 names who holds the speaker",
    bodyType: "application/sdp",
    produces: "application/sdp",
  },
  "DELETE /api/cameras/:id/talk/:session": {
    tag: C,
    summary: "Two-way talk: stop talking (releases the speaker)",
  },
  "OPTIONS /api/cameras/:id/talk": {
    tag: C,
    summary: "Two-way talk: the ICE servers to use, as Link headers (none with ICE lite)",
  },
  "GET /api/cameras/:id/hls/index.m3u8": {
    tag: C,
    summary: "LL-HLS: the multivariant playlist (waits for the first segment)",
    produces: "application/vnd.apple.mpegurl",
  },
  "GET /api/cameras/:id/hls/stream.m3u8": {
    tag: C,
    summary: "LL-HLS: the media playlist, with parts and preload hints; blocks for _HLS_msn",
    query: S.HlsPlaylistQuery,
    produces: "application/vnd.apple.mpegurl",
  },
  "GET /api/cameras/:id/hls/init/:name": {
    tag: C,
    summary: "LL-HLS: an initialization section (fMP4)",
    produces: "video/mp4",
  },
  "GET /api/cameras/:id/hls/part/:name": {
    tag: C,
    summary: "LL-HLS: a partial segment (fMP4); the preload hint's part waits until it is made",
    produces: "video/mp4",
  },
  "GET /api/cameras/:id/hls/seg/:name": {
    tag: C,
    summary: "LL-HLS: a whole segment (fMP4)",
    produces: "video/mp4",
  },

  "POST /api/auth/login": {
    tag: A,
    summary: "Sign in (JSON or a form); sets the session cookie",
    forms: true,
    body: S.LoginBody,
  },
  "POST /api/auth/logout": { tag: A, summary: "Sign out (ends every session of the user)" },
  "GET /api/auth/me": { tag: A, summary: "Who the caller is and what it may do" },
  "POST /api/auth/request": {
    tag: A,
    summary: "Ask an admin for access",
    forms: true,
    body: S.AccessRequestBody,
  },
  "GET /api/auth/users": { tag: A, summary: "Users (admin)" },
  "GET /api/auth/grants": { tag: A, summary: "Grants in force (admin)" },
  "PUT /api/auth/grants/:subject": {
    tag: A,
    summary: "Set a subject's grant (admin)",
    forms: true,
    body: S.GrantBody,
  },
  "DELETE /api/auth/grants/:subject": { tag: A, summary: "Revoke a subject's grant (admin)" },
  "GET /api/auth/approvals": {
    tag: A,
    summary: "Access requests (admin; ?status=pending)",
    query: S.ApprovalsQuery,
  },
  "POST /api/auth/approvals/:id/:decision{approve|deny}": {
    tag: A,
    summary: "Approve (with a grant) or deny a request (admin)",
    forms: true,
    body: S.GrantBody,
  },

  "GET /api/recordings": {
    tag: R,
    summary: "Segments by camera and time, paged",
    query: S.RecordingsQuery,
  },
  "GET /api/recordings/:id": {
    tag: R,
    summary: "A segment's file (ranges), or ?format= a copy",
    query: S.RecordingFileQuery,
    produces: "video/mp4",
  },
  "HEAD /api/recordings/:id": {
    tag: R,
    summary: "A segment's headers",
    query: S.RecordingFileQuery,
  },
  "DELETE /api/recordings/:id": { tag: R, summary: "Delete a closed segment" },
  "GET /api/recordings/:id/frames": {
    tag: R,
    summary: "An MJPEG segment's pictures from a time",
    query: S.FramesQuery,
    produces: "multipart/x-mixed-replace",
  },
  "GET /api/recordings/:id/thumbnail.jpg": {
    tag: R,
    summary: "A segment's thumbnail",
    produces: "image/jpeg",
  },
  "HEAD /api/recordings/:id/thumbnail.jpg": { tag: R, summary: "A segment's thumbnail's headers" },
  "GET /api/recordings/cameras": { tag: R, summary: "Recording state, sizes and disk per camera" },
  "POST /api/recordings/cameras/:camera/pause": { tag: R, summary: "Pause a camera's recording" },
  "POST /api/recordings/cameras/:camera/resume": { tag: R, summary: "Resume a camera's recording" },
  "GET /api/recordings/download": {
    tag: R,
    summary: "A time range stitched into one file",
    query: S.DownloadQuery,
    produces: "video/mp4",
  },
  "GET /api/recordings/events": {
    tag: R,
    summary: "Recording triggers on the timeline",
    query: S.RecordingEventsQuery,
  },
  "GET /api/recordings/exports": {
    tag: R,
    summary: "Transcodes under way and done",
    query: S.ExportsQuery,
  },

  "GET /api/events": {
    tag: E,
    summary: "Detection events, newest first, paged",
    query: S.EventsQuery,
  },
  "GET /api/events/stream": {
    tag: E,
    summary: "Events as Server-Sent Events",
    query: S.EventStreamQuery,
    produces: "text/event-stream",
  },
  "GET /api/events/:id{[0-9]{1,15}}": { tag: E, summary: "One event" },
  "GET /api/events/:id{[0-9]{1,15}}/snapshot.jpg": {
    tag: E,
    summary: "An event's snapshot",
    produces: "image/jpeg",
  },
  "GET /api/detection": { tag: E, summary: "Each camera's detection layout: sizes, zones, masks" },

  "GET /api/library": {
    tag: L,
    summary: "Library items the caller may use",
    query: S.LibraryQuery,
  },
  "GET /api/library/history": { tag: L, summary: "What the caller watched, latest first" },
  "GET /api/library/items/:id": {
    tag: L,
    summary: "An item's file (ranges), or ?format=mp4 its MP4 copy",
    query: S.LibraryItemQuery,
    produces: "video/mp4",
  },
  "HEAD /api/library/items/:id": {
    tag: L,
    summary: "An item's headers",
    query: S.LibraryItemQuery,
  },
  "GET /api/library/items/:id/thumbnail.jpg": {
    tag: L,
    summary: "An item's thumbnail",
    produces: "image/jpeg",
  },
  "PUT /api/library/items/:id/position": {
    tag: L,
    summary: "Where the caller stopped in an item",
    body: S.PositionBody,
  },
  "POST /api/library/:library/scan": { tag: L, summary: "Scan a library now (admin)" },
  "GET /api/library/playlists": { tag: L, summary: "The caller's playlists" },
  "POST /api/library/playlists": { tag: L, summary: "Make a playlist", body: S.PlaylistCreateBody },
  "PUT /api/library/playlists/:id": {
    tag: L,
    summary: "Rename or reorder a playlist",
    body: S.PlaylistUpdateBody,
  },
  "DELETE /api/library/playlists/:id": { tag: L, summary: "Delete a playlist" },

  "GET /api/openapi.json": { tag: H, summary: "This document" },
  "GET /api/docs": { tag: H, summary: "This document, rendered (HTML)", produces: "text/html" },
};
