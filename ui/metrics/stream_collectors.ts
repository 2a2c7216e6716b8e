/**
 * Metrics of the actors after the encoder: packetizer, RTP outputs, WebRTC
 * viewers and the detector, read from the stats each actor last reported.
 *
 * @module
 */
import type { PacketizerStats } from "../../actors/packetizer/protocol.ts";
import type { RtpOutputStats } from "../../actors/rtp_output/protocol.ts";
import type { ViewerStats } from "../../actors/viewer/protocol.ts";
import type { DetectorStats } from "../../actors/detector/protocol.ts";
import type { Collector } from "./collectors.ts";

export const packetizerMetrics: Collector = (s, { system }) => {
  const packets = s.counter(
    "eyrie_rtp_packetized_total",
    "RTP packets the packetizer wrote (each once, for every consumer).",
  );
  const dropped = s.counter(
    "eyrie_packetizer_dropped_access_units_total",
    "Access units lost before packetizing (overruns).",
  );
  for (const node of system.cameras.values()) {
    const st = node.stats.get("packetizer") as PacketizerStats | undefined;
    if (st === undefined) continue;
    packets.set(st.packets, { camera: node.id });
    dropped.set(st.dropped, { camera: node.id });
  }
};

export const rtpOutputMetrics: Collector = (s, { system }) => {
  const packets = s.counter(
    "eyrie_rtp_packets_sent_total",
    "RTP packets sent by an [[camera.rtp]] output.",
  );
  const bytes = s.counter(
    "eyrie_rtp_bytes_sent_total",
    "Bytes of RTP sent by an output, headers included.",
  );
  const errors = s.counter("eyrie_rtp_send_errors_total", "Packets an output could not send.");
  const bitrate = s.gauge(
    "eyrie_rtp_bitrate_bytes_per_second",
    "An output's rate over the last second (bytes; Prometheus base unit).",
  );
  const up = s.gauge(
    "eyrie_rtp_output_up",
    "1 while an output's destination takes packets; 0 while connecting or offline.",
  );
  const offline = s.gauge(
    "eyrie_rtp_output_offline",
    "1 while an output is offline, labelled with the kind of fault " +
      "(refused, unreachable, blocked, unresolved, socket); the cause is in /api/cameras/:id.",
  );
  const outages = s.counter(
    "eyrie_rtp_output_outages_total",
    "Times an output's destination went offline.",
  );
  for (const node of system.cameras.values()) {
    for (const [key, value] of node.stats) {
      // The video's senders; the sound's (`rtp[N].audio`) are in /api/cameras/:id only.
      if (!/^rtp\[\d+\]$/.test(key)) continue;
      const st = value as RtpOutputStats;
      const labels = { camera: node.id, output: String(st.output), destination: st.destination };
      packets.set(st.packets, labels);
      bytes.set(st.bytes, labels);
      errors.set(st.sendErrors, labels);
      bitrate.set(st.bitrateKbps * 1000 / 8, labels);
      up.set(st.state === "up" ? 1 : 0, labels);
      outages.set(st.outages, labels);
      if (st.state === "offline" && st.reason !== null) {
        offline.set(1, { camera: node.id, output: String(st.output), reason: st.reason });
      }
    }
  }
};

export const viewerMetrics: Collector = (s, { system }) => {
  const viewers = s.gauge("eyrie_viewers", "WebRTC viewers watching now.");
  const connecting = s.gauge(
    "eyrie_viewers_connecting",
    "WebRTC sessions between offer and first packet.",
  );
  const started = s.counter("eyrie_viewer_sessions_total", "WebRTC sessions answered.");
  const ended = s.counter(
    "eyrie_viewer_sessions_ended_total",
    "WebRTC sessions ended, by reason (no_delivery: torn down by the delivery guard).",
  );
  const dropped = s.counter(
    "eyrie_viewer_dropped_packets_total",
    "Packets skipped for viewers that fell behind.",
  );
  const onSub = s.gauge("eyrie_viewers_on_sub", "WebRTC viewers on the sub stream now.");
  const switches = s.counter(
    "eyrie_viewer_stream_switches_total",
    "WebRTC viewers moved between the main and the sub stream.",
  );
  const withFec = s.gauge(
    "eyrie_viewers_with_fec",
    "WebRTC viewers sent RED + ULPFEC now (their reported loss turned it on).",
  );
  const fecBytes = s.counter(
    "eyrie_viewer_fec_bytes_total",
    "Bytes of ULPFEC packets sent to WebRTC viewers (SRTP, as on the wire less UDP/IP).",
  );
  for (const node of system.cameras.values()) {
    const st = node.stats.get("viewer") as ViewerStats | undefined;
    if (st === undefined) {
      // No viewer actor: it runs only while someone watches (actors/viewer/demand.ts).
      if (node.config.codec === "h264") {
        viewers.set(0, { camera: node.id });
        connecting.set(0, { camera: node.id });
      }
      continue;
    }
    viewers.set(st.viewers, { camera: node.id });
    connecting.set(st.connecting, { camera: node.id });
    started.set(st.started, { camera: node.id });
    dropped.set(st.dropped, { camera: node.id });
    withFec.set(st.withFec, { camera: node.id });
    fecBytes.set(st.fecBytesSent, { camera: node.id });
    if (node.config.sub !== null) {
      onSub.set(st.onSub, { camera: node.id });
      switches.set(st.switches, { camera: node.id });
    }
    for (const [reason, n] of Object.entries(st.ended)) ended.set(n, { camera: node.id, reason });
  }
};

export const detectorMetrics: Collector = (s, { system }) => {
  const frames = s.counter("eyrie_detector_frames_total", "Frames the detector analysed.");
  const motion = s.gauge(
    "eyrie_detector_motion_step_seconds",
    "Mean time of one motion step over the last interval.",
  );
  const latency = s.gauge(
    "eyrie_detection_latency_seconds",
    "Time of the last object detection (pre-processing, inference, post-processing).",
  );
  const events = s.counter("eyrie_detector_events_total", "Events the detector raised.");
  for (const node of system.cameras.values()) {
    const st = node.stats.get("detector") as DetectorStats | undefined;
    if (st === undefined) continue;
    frames.set(st.frames, { camera: node.id });
    motion.set(st.motionMs / 1000, { camera: node.id });
    events.set(st.events, { camera: node.id });
    if (st.detections > 0) {
      latency.set((st.detectMs.pre + st.detectMs.infer + st.detectMs.post) / 1000, {
        camera: node.id,
      });
    }
  }
};

export const recordingMetrics: Collector = (s, { system }) => {
  const r = system.recordings;
  if (r === null) return;
  // From the index (one query each), never a scan of the disk.
  const bytes = s.gauge(
    "eyrie_recording_bytes",
    "Bytes of closed segments (and thumbnails) kept per camera.",
  );
  for (const [camera, n] of r.index.bytesByCamera()) bytes.set(n, { camera });
  s.gauge(
    "eyrie_recording_disk_full",
    "1 while recording is stopped because free disk is under recording.min_free.",
  )
    .set(r.diskFull ? 1 : 0);
  const written = s.counter(
    "eyrie_recording_written_bytes_total",
    "Access-unit bytes the recorder handed to the muxer.",
  );
  const state = s.gauge(
    "eyrie_recording_active",
    "1 while the camera's recorder is writing a segment.",
  );
  const where = s.gauge(
    "eyrie_recording_state",
    "1 for the recorder's state (recording, waiting, idle, unscheduled, paused, disk_full, " +
      "failing); the cause of disk_full and failing is in /api/cameras/:id.",
  );
  for (const c of r.cameras()) {
    if (c.stats === null) continue;
    written.set(c.stats.auBytes, { camera: c.camera });
    state.set(c.stats.segment === null ? 0 : 1, { camera: c.camera });
    where.set(1, { camera: c.camera, state: c.stats.state });
  }
};
