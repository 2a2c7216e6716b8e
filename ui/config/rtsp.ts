/**
 * `[rtsp]`: the RTSP server (actors/rtsp/). Absent, it is off; present,
 * every camera is at rtsp://HOST:PORT/<camera id>. Reference: docs/rtsp.md.
 *
 * @module
 */
import type { RtspConfig } from "../../actors/defs.ts";
import { type Checker, int, str, tableParts } from "./schema.ts";
import { LISTEN_PATTERN, parseListen } from "./listen.ts";

/** The port RTSP servers listen on by convention (MediaMTX, go2rtc). */
export const DEFAULT_RTSP_LISTEN = "127.0.0.1:8554";

export const rtspSection: Checker<RtspConfig> = (v, path, issues) => {
  const p = tableParts<RtspConfig>({
    listen: [
      str({ pattern: LISTEN_PATTERN, hint: 'use "host:port", e.g. "127.0.0.1:8554"' }),
      DEFAULT_RTSP_LISTEN,
    ],
    // Tests shorten it; clients keep a session alive well within RFC 2326's 60 s.
    session_timeout_s: [int({ min: 2, max: 3600 }), 60],
  })(v, path, issues);
  if (p === undefined) return undefined;
  if (p.value.listen !== undefined) {
    try {
      parseListen(p.value.listen);
    } catch (e) {
      return void issues.add(`${path}.listen`, (e as Error).message);
    }
  }
  return p.ok ? p.value as RtspConfig : undefined;
};
