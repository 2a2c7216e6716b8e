/**
 * Where eyrie publishes and listens, under `topic_prefix` (P):
 *
 * ```
 * P/availability                 online | offline (retained; the last will says offline)
 * P/stats                        the process: uptime, cameras, RTSP sessions (retained, JSON)
 * P/<camera>/availability        online | offline (retained): the camera is live
 * P/<camera>/motion              ON | OFF (retained): motion in any zone
 * P/<camera>/object/<label>      ON | OFF (retained): the label is in some zone
 * P/<camera>/events              every detection event, JSON (not retained)
 * P/<camera>/stats               fps, bitrate, viewers, … (retained, JSON)
 * P/<camera>/snapshot            the latest picture, JPEG bytes (retained)
 * P/<camera>/recording           ON | OFF (retained)      P/<camera>/recording/set  ← ON | OFF
 * P/<camera>/quality             low … ultra (retained)   P/<camera>/quality/set    ← low … ultra
 * ```
 *
 * Pure: names only.
 *
 * @module
 */

export class Topics {
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  get availability(): string {
    return `${this.prefix}/availability`;
  }
  get stats(): string {
    return `${this.prefix}/stats`;
  }
  camera(camera: string, leaf: CameraLeaf): string {
    return `${this.prefix}/${camera}/${leaf}`;
  }
  object(camera: string, label: string): string {
    return `${this.prefix}/${camera}/object/${topicLevel(label)}`;
  }
  /** What eyrie subscribes to: every camera's command topics. */
  get commands(): string[] {
    return [`${this.prefix}/+/recording/set`, `${this.prefix}/+/quality/set`];
  }
}

export type CameraLeaf =
  | "availability"
  | "motion"
  | "events"
  | "stats"
  | "snapshot"
  | "recording"
  | "recording/set"
  | "quality"
  | "quality/set";

/** A label as one topic level: "/", "+", "#" and spaces become "_" ("traffic light" → traffic_light). */
export function topicLevel(label: string): string {
  // MQTT forbids U+0000 in topics (MQTT 5, 4.7.3); the rest are wildcards, levels and spaces.
  // deno-lint-ignore no-control-regex
  return label.replace(/[/+#\s\u0000]/g, "_");
}
