/**
 * The file formats segments are recorded in and exported to, as facts:
 * extension, media type, which codecs each can hold without re-encoding,
 * and which scanner measures it. Measured on GStreamer 1.22
 * (docs/recording.md, "Containers"):
 *
 * | container | muxer                          | H.264 | MJPEG | crash loses            |
 * | --------- | ------------------------------ | ----- | ----- | ---------------------- |
 * | mp4       | mp4mux fragment-duration=500   | yes   | no¹   | the open fragment      |
 * | mkv       | matroskamux                    | yes   | yes   | the block being written|
 * | mov       | qtmux fragment-duration=500    | yes   | yes   | the open fragment      |
 * | avi       | avimux                         | no²   | yes   | the chunk being written|
 *
 * ¹ mp4mux 1.22 has no image/jpeg sink caps. ² avimux takes H.264, but AVI
 * has no place for reordered frames or codec configuration; eyrie keeps AVI
 * for what it is traditionally used for, MJPEG cameras.
 *
 * @module
 */
import type { Codec, RecordingContainer } from "../defs.ts";

export type { RecordingContainer };

/** Every recording container, in the order the docs list them. */
export const CONTAINERS: readonly RecordingContainer[] = ["mp4", "mkv", "mov", "avi"];

/** What a download or `?format=` may ask for. */
export type ExportFormat = "mp4" | "mkv" | "mov" | "webm";

/** Every export format. mp4, mkv and mov copy the stream; webm re-encodes it (VP8). */
export const EXPORT_FORMATS: readonly ExportFormat[] = ["mp4", "mkv", "mov", "webm"];

/** The facts of one container. */
export interface ContainerFacts {
  /** File name extension with its dot. */
  extension: string;
  /** Media type served for it. */
  mediaType: string;
  /** Codecs it holds as recorded (no re-encoding). */
  codecs: readonly Codec[];
}

export const CONTAINER: Readonly<Record<RecordingContainer, ContainerFacts>> = {
  mp4: { extension: ".mp4", mediaType: "video/mp4", codecs: ["h264"] },
  mkv: { extension: ".mkv", mediaType: "video/x-matroska", codecs: ["h264", "mjpeg"] },
  mov: { extension: ".mov", mediaType: "video/quicktime", codecs: ["h264", "mjpeg"] },
  avi: { extension: ".avi", mediaType: "video/x-msvideo", codecs: ["mjpeg"] },
};

/** The facts of one export format. */
export interface ExportFacts {
  extension: string;
  mediaType: string;
  /** Codecs it takes as they are; any other is refused (webm: none, it always re-encodes). */
  copies: readonly Codec[];
  /** The export decodes and encodes the video (one at a time per camera, at low priority). */
  transcodes: boolean;
}

export const EXPORT: Readonly<Record<ExportFormat, ExportFacts>> = {
  mp4: { extension: ".mp4", mediaType: "video/mp4", copies: ["h264"], transcodes: false },
  mkv: {
    extension: ".mkv",
    mediaType: "video/x-matroska",
    copies: ["h264", "mjpeg"],
    transcodes: false,
  },
  mov: {
    extension: ".mov",
    mediaType: "video/quicktime",
    copies: ["h264", "mjpeg"],
    transcodes: false,
  },
  webm: { extension: ".webm", mediaType: "video/webm", copies: [], transcodes: true },
};

/** The container a camera records in when its config names none. */
export function defaultContainer(codec: Codec): RecordingContainer {
  return codec === "mjpeg" ? "avi" : "mp4";
}

/** Why `container` cannot hold `codec` as recorded, in words for `config check`; null when it can. */
export function containerProblem(container: RecordingContainer, codec: Codec): string | null {
  if (CONTAINER[container].codecs.includes(codec)) return null;
  const fits = CONTAINERS.filter((c) => CONTAINER[c].codecs.includes(codec))
    .map((c) => `"${c}"`).join(", ");
  return codec === "h264"
    ? `"${container}" is for MJPEG cameras (codec = "mjpeg"); H.264 records in ${fits}`
    : `"${container}" cannot hold MJPEG (GStreamer's mp4mux has no JPEG input); use ${fits}`;
}

/** Why `format` cannot be exported from `codec`, or null when it can. */
export function exportProblem(format: ExportFormat, codec: Codec): string | null {
  const f = EXPORT[format];
  if (f.transcodes || f.copies.includes(codec)) return null;
  const fits = EXPORT_FORMATS.filter((x) =>
    EXPORT[x].transcodes || EXPORT[x].copies.includes(codec)
  );
  return `${format} cannot hold ${codec === "mjpeg" ? "MJPEG" : "H.264"} without re-encoding; ` +
    `this recording exports to ${fits.join(", ")}`;
}

/** The container of a segment file by its extension, or null for none of them. */
export function containerOf(path: string): RecordingContainer | null {
  for (const c of CONTAINERS) if (path.endsWith(CONTAINER[c].extension)) return c;
  return null;
}

/** True for a known export format. */
export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}
