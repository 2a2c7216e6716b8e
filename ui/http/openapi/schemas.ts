/**
 * The zod schemas of request bodies and queries: the OpenAPI document
 * shows them (operations.ts), and the routes that take these bodies and
 * queries parse them with the same schemas, so the two cannot drift.
 *
 * @module
 */
import { z } from "zod";

const ID = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, {
  error: "must be an id: a-z, 0-9 and -, 1 to 32 characters",
});
const TIME = z.string().regex(/^(\d{1,16}|\d{4}-\d\d-\d\d.{0,30})$/, {
  error: "must be an ISO 8601 time or milliseconds since 1970",
}).describe(
  "ISO 8601 time or milliseconds since the epoch",
);
const COUNT = z.string().regex(/^[0-9]{1,16}$/, { error: "must be a whole number" });
const EXPORT_FORMAT = z.enum(["mp4", "mkv", "mov", "webm"]);
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
  _HLS_msn: z.string().regex(/^\d{1,15}$/, { error: "is not a number" }).optional().describe(
    "Answer once this media sequence number is in the playlist",
  ),
  _HLS_part: z.string().regex(/^\d{1,6}$/, { error: "is not a number" }).optional().describe(
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

/** `GET /api/recordings`: unknown parameters are refused (a typo is not ignored). */
export const RecordingsQuery = z.strictObject({
  camera: ID.optional(),
  from: TIME.optional(),
  to: TIME.optional(),
  limit: z.string().regex(/^[0-9]{1,4}$/).optional().describe("1 to the page size"),
  cursor: z.string().regex(/^\d{1,16}\.\d{1,16}$/).optional().describe(
    "The previous page's `next`",
  ),
  order: z.enum(["asc", "desc"]).optional(),
});

/** `GET /api/recordings/events`. */
export const RecordingEventsQuery = z.looseObject({
  camera: ID.optional(),
  from: TIME.optional(),
  to: TIME.optional(),
});

/** `GET /api/recordings/exports`. */
export const ExportsQuery = z.looseObject({ camera: ID.optional() });

/** `GET|HEAD /api/recordings/:id`. */
export const RecordingFileQuery = z.looseObject({
  format: EXPORT_FORMAT.optional().describe("A copy in another container (an export)"),
});

/** `GET /api/recordings/:id/frames`. */
export const FramesQuery = z.looseObject({ from: TIME.optional() });

/** `GET /api/events`: unknown parameters are refused. */
export const EventsQuery = z.strictObject({
  camera: ID.optional(),
  type: z.string().max(200).regex(/^[a-z_]+(,[a-z_]+)*$/).optional().describe(
    "Event types separated by commas",
  ),
  from: TIME.optional(),
  to: TIME.optional(),
  before: COUNT.optional(),
  limit: COUNT.optional(),
});

/** `GET /api/events/stream`: unknown parameters are refused. */
export const EventStreamQuery = z.strictObject({
  camera: ID.optional(),
  type: EventsQuery.shape.type,
  last_id: COUNT.optional().describe("Replay the events after this id (as Last-Event-ID)"),
});

/** `GET /api/auth/approvals`. */
export const ApprovalsQuery = z.looseObject({
  status: z.enum(["pending", "approved", "denied"]).optional(),
});

/** `GET /api/cameras/:id/sdp`. */
export const SdpQuery = z.looseObject({
  output: z.string().regex(/^\d{1,3}$/, { error: "must be an output number, from 0" }).optional()
    .describe("Which [[camera.rtp]] output, from 0"),
});

/** `GET /api/recordings/download`. */
export const DownloadQuery = z.looseObject({
  camera: ID,
  from: TIME,
  to: TIME,
  format: EXPORT_FORMAT.optional(),
});

/** `GET /api/library`: parsed by the route with this schema. */
export const LibraryQuery = z.strictObject({
  library: ID.optional(),
  q: z.string().max(200).optional().describe("Part of the name, any case"),
  sort: z.enum(["name", "duration", "size", "date"]).optional(),
});

/** `GET /api/library/items/:id`: parsed by the route with this schema. */
export const LibraryItemQuery = z.strictObject({
  format: z.enum(["mp4", "webm"]).optional().describe(
    "mp4: the item copied into MP4 (remuxed items); webm: re-encoded (where its library allows)",
  ),
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

/** Most problems one refusal names. Reason: an answer stays one readable line. */
const MAX_ISSUES = 4;

/** The problems of a failed parse, each naming its field: `preset: Invalid option: …`. */
export function firstIssue(error: z.ZodError): string {
  return error.issues.slice(0, MAX_ISSUES).map((i) =>
    `${i.path.length > 0 ? `${i.path.join(".")}: ` : ""}${i.message}`
  ).join("; ");
}
