/**
 * The recording library around the recorder Worker: segment names, the
 * containers and their chosen muxer configurations, light scanners and
 * crash repair for MP4/MOV, Matroska and AVI, the SQLite
 * index and its reconcile with the disk, retention, HTTP ranges, event
 * triggers, pre-roll and schedules, the unit parsers of the config, the
 * recorder actor (spec, protocol, the Recorder its Worker runs), the
 * main-thread Recordings service, and the stitcher of downloads.
 * Layout and measurements: docs/recording.md.
 *
 * @module
 */
export {
  checkCameraId,
  dayFolder,
  MAX_CAMERA_ID_LENGTH,
  parseSegmentPath,
  resolveSegmentFile,
  resolveSegmentPath,
  resolveThumbnailFile,
  SEGMENT_EXTENSION,
  type SegmentName,
  segmentPath,
  segmentStem,
  THUMBNAIL_EXTENSION,
  thumbnailPath,
} from "./paths.ts";
export { formatSize, MAX_UNIT_STRING_LENGTH, parseDuration, parseSize } from "./units.ts";
export {
  APPSRC_CAPS,
  APPSRC_NAME,
  appsrcCaps,
  audioBranchArgs,
  type CutDecision,
  cutDecision,
  FRAGMENT_DURATION_MS,
  hasParameterSets,
  MP4_H264,
  muxChainArgs,
  muxerArgs,
  opusCaps,
  parserOf,
  quoteGst,
  recordedAudio,
  type SegmentFormat,
  segmentPipeline,
} from "./mux.ts";
export {
  CONTAINER,
  type ContainerFacts,
  containerOf,
  containerProblem,
  CONTAINERS,
  defaultContainer,
  EXPORT,
  EXPORT_FORMATS,
  type ExportFacts,
  type ExportFormat,
  exportProblem,
  isExportFormat,
  type RecordingContainer,
} from "./container.ts";
export { repairSegment, type SegmentRepair, type SegmentScan } from "./segment_scan.ts";
export {
  MAX_MKV_ELEMENTS,
  MAX_MKV_HEADER_BYTES,
  type MkvRepair,
  type MkvScan,
  repairMkv,
  scanMkv,
} from "./mkv_scan.ts";
export {
  type AviRepair,
  type AviScan,
  MAX_AVI_CHUNKS,
  MAX_AVI_HEADER_BYTES,
  MAX_AVI_SEGMENT_BYTES,
  repairAvi,
  scanAvi,
} from "./avi_scan.ts";
export { MJPEG_BITS_PER_PIXEL, recordingKbps } from "./bitrate.ts";
export {
  type Admission,
  admitTranscode,
  ESTIMATE_AFTER_MS,
  type ExportEntry,
  Exports,
  type ExportState,
  type ExportView,
  KEEP_FINISHED,
  MAX_TRANSCODES,
  MAX_TRANSCODES_PER_CAMERA,
} from "./exports.ts";
export {
  demuxPipeline,
  EXPORT_FRAGMENT_MS,
  type ExportInput,
  exportPipeline,
  VP8_MAX_KBPS,
  VP8_MIN_KBPS,
  VP8_SPEED,
} from "./export_pipelines.ts";
export {
  type ExportFile,
  type ExportIo,
  type ExportJob,
  runExport,
  runFrames,
} from "./stitch_run.ts";
export {
  MAX_MOOF_BYTES,
  MAX_MOOV_BYTES,
  MAX_REPAIR_DISCARD_BYTES,
  type Mp4Repair,
  type Mp4Scan,
  repairMp4,
  scanMp4,
} from "./mp4_scan.ts";
export { migrate, type Migration, MIGRATIONS } from "./index_schema.ts";
export {
  type CameraEvent,
  DEFAULT_PAGE_SIZE,
  type ListOptions,
  MAX_EVENT_KIND_LENGTH,
  MAX_PAGE_SIZE,
  RecordingIndex,
  type SegmentEvent,
  type SegmentPage,
  type SegmentRecord,
  type SegmentStats,
} from "./recording_index.ts";
export {
  reconcile,
  type ReconcileProblem,
  type ReconcileReport,
  type SealOutcome,
  sealSegment,
} from "./reconcile.ts";
export {
  type CameraRetention,
  decideRetention,
  type RetentionDecision,
  type RetentionDeletion,
  type RetentionPolicy,
  type RetentionReason,
  type RetentionSegment,
} from "./retention.ts";
export {
  applyRetention,
  enforceRetention,
  removeSegment,
  type RetentionResult,
  retentionSegments,
} from "./retention_apply.ts";
export { freeDiskBytes } from "./disk.ts";
export {
  type ByteRange,
  contentRange,
  MAX_RANGE_HEADER_LENGTH,
  parseRange,
  unsatisfiedRange,
} from "./http_range.ts";
export {
  DEFAULT_PREROLL_BYTES,
  MAX_PREROLL_BYTES,
  MAX_PREROLL_S,
  PreRollBuffer,
  type PreRollFrame,
} from "./preroll.ts";
export {
  IDLE,
  postRollNs,
  type RecordingMode,
  stepTrigger,
  type TriggerAction,
  type TriggerInput,
  type TriggerState,
  wantsRecording,
} from "./trigger.ts";
export {
  inSchedule,
  type LocalTime,
  localTime,
  parseSchedule,
  parseWindow,
  type ScheduleWindow,
} from "./schedule.ts";
export { type AuAction, type AuPlan, planAccessUnit, type PlannedAu } from "./plan.ts";
export { MAX_PARAMETER_SET_BYTES, ParameterSetCache } from "./parameter_sets.ts";
export { type ClosedSegment, SegmentWriter } from "./segment_writer.ts";
export {
  THUMBNAIL_QUALITY,
  THUMBNAIL_WIDTH,
  thumbnailPipeline,
  thumbnailSize,
  writeThumbnail,
} from "./thumbnail.ts";
export {
  type FromStitcher,
  RangeTrimmer,
  type StitchFile,
  type ToStitcher,
  type TrimAction,
} from "./stitch.ts";
export { type AccessUnitMeta, Recorder } from "./recorder.ts";
export {
  type RecordedEvent,
  RECORDER_WORKER,
  type RecorderEvent,
  type RecorderInit,
  type RecorderProtocol,
  type RecorderState,
  type RecorderStats,
} from "./protocol.ts";
export {
  type CameraRecording,
  CHECK_EVERY_MS,
  Recordings,
  type RecordingsOptions,
  STATE_FILE,
} from "./service.ts";
export { RetentionLoop, type RetentionLoopOptions } from "./retention_loop.ts";
export { floorMargin, resumeMargin } from "./floor.ts";
export {
  DiskHold,
  type HoldState,
  type HoldStatus,
  isDiskFull,
  WRITE_PROBATION_MS,
} from "./disk_hold.ts";
export { recorderChild } from "./spec.ts";
