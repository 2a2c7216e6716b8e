/**
 * The zod schemas of request bodies and queries: the OpenAPI document
 * shows them (operations.ts), and the routes that take these bodies and
 * queries parse them with the same schemas, so the two cannot drift.
 *
 * @module
 */
import { z } from "zod";

const ID = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/);
const TIME = z.string().describe("ISO 8601 time or milliseconds since the epoch");
const QUALITY = z.enum(["low", "medium", "high", "ultra"]);
const LIST = z.union([z.string(), z.array(z.string())]).describe(
  'Ids separated by commas, a list, or "*"',
);

/** `GET /api/cameras/:id/hls/stream.m3u8`: a blocking playlist reload (RFC 8216bis §6.2.5.2). */
export const WhepQuery = z.object({
  stream: z.enum(["auto", "main", "sub"]).optional().describe(
    "Which of the camera's streams: auto (default: main, the sub stream while the link cannot carry it), main, or sub ([camera.sub])",
  ),
});

export const HlsPlaylistQuery = z.object({
  _HLS_msn: z.string().regex(/^\d{1,15}$/).optional().describe(
    "Answer once this media sequence number is in the playlist",
  ),
  _HLS_part: z.string().regex(/^\d{1,6}$/).optional().describe(
    "…and this part of it (needs _HLS_msn)",
  ),
});

/** `POST /api/cameras/:id/quality`. */
export const QualityBody = z.object({ preset: QUALITY });

/** `POST /api/auth/login` (also an HTML form with the same fields). */
export const LoginBody = z.looseObject({
  name: z.string(),
  password: z.string(),
  next: z.string().optional().describe("Where a form sign-in goes afterwards (a local path)"),
});

/** `POST /api/auth/request`. */
export const AccessRequestBody = z.looseObject({
  cameras: LIST.optional(),
  note: z.string().max(500).optional(),
});

/** `PUT /api/auth/grants/:subject` and `POST /api/auth/approvals/:id/approve`. */
export const GrantBody = z.looseObject({
  cameras: LIST.optional(),
  libraries: LIST.optional(),
  can_record: z.boolean().optional(),
  can_download: z.boolean().optional(),
  can_control_quality: z.boolean().optional(),
  max_quality: QUALITY.optional(),
});

/** `GET /api/recordings`. */
export const RecordingsQuery = z.looseObject({
  camera: ID.optional(),
  from: TIME.optional(),
  to: TIME.optional(),
  limit: z.string().regex(/^[0-9]+$/).optional(),
  cursor: z.string().optional(),
});

/** `GET /api/events`. */
export const EventsQuery = z.looseObject({
  camera: ID.optional(),
  type: z.string().optional(),
  from: TIME.optional(),
  to: TIME.optional(),
  before: z.string().regex(/^[0-9]+$/).optional(),
  limit: z.string().regex(/^[0-9]+$/).optional(),
});

/** `GET /api/recordings/download`. */
export const DownloadQuery = z.looseObject({
  camera: ID,
  from: TIME,
  to: TIME,
  format: z.enum(["mp4", "mkv", "mov", "webm"]).optional(),
});

/** `GET /api/library`: parsed by the route with this schema. */
export const LibraryQuery = z.strictObject({
  library: ID.optional(),
  q: z.string().max(200).optional().describe("Part of the name, any case"),
  sort: z.enum(["name", "duration", "size", "date"]).optional(),
});

/** `GET /api/library/items/:id`: parsed by the route with this schema. */
export const LibraryItemQuery = z.strictObject({
  format: z.literal("mp4").optional().describe("The item copied into MP4 (remuxed items)"),
});

/** `PUT /api/library/items/:id/position`: parsed by the route with this schema. */
export const PositionBody = z.object({ position_s: z.number().finite().min(0) });

/** `POST /api/library/playlists`: parsed by the route with this schema. */
export const PlaylistCreateBody = z.object({
  name: z.string().trim().min(1).max(100),
  items: z.array(z.number().int().positive()).max(1000).optional(),
});

/** `PUT /api/library/playlists/:id`: parsed by the route with this schema. */
export const PlaylistUpdateBody = PlaylistCreateBody.partial();

/** The first problem of a failed parse, as one sentence naming the field. */
export function firstIssue(error: z.ZodError): string {
  const i = error.issues[0];
  const where = i.path.length > 0 ? `${i.path.join(".")}: ` : "";
  return `${where}${i.message}`;
}
