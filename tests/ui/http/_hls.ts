/**
 * Reading LL-HLS media playlists in tests, and the rules Apple's Media
 * Stream Validator checks on them (RFC 8216bis §4.4.3.1, §4.4.4.9,
 * §4.4.5.2, Apple's HLS authoring spec for LL-HLS).
 */
import assert from "node:assert/strict";

export interface PlaylistPart {
  duration: number;
  uri: string;
  independent: boolean;
}

export interface PlaylistSegment {
  msn: number;
  duration: number | null;
  uri: string | null;
  parts: PlaylistPart[];
}

export interface MediaPlaylist {
  targetDuration: number;
  partTarget: number;
  partHoldBack: number;
  canBlockReload: boolean;
  mediaSequence: number;
  map: string;
  segments: PlaylistSegment[];
  preloadHint: string;
}

function attr(line: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|[:,])${name}=("[^"]*"|[^,]*)`).exec(line);
  return m?.[1].replace(/^"|"$/g, "");
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.trim().split("\n");
  assert.equal(lines[0], "#EXTM3U");
  const p: MediaPlaylist = {
    targetDuration: NaN,
    partTarget: NaN,
    partHoldBack: NaN,
    canBlockReload: false,
    mediaSequence: NaN,
    map: "",
    segments: [],
    preloadHint: "",
  };
  let open: PlaylistSegment | null = null;
  for (const line of lines) {
    const tag = line.split(":")[0];
    const value = line.slice(tag.length + 1);
    const seg = () => {
      open ??= { msn: p.mediaSequence + p.segments.length, duration: null, uri: null, parts: [] };
      return open;
    };
    if (tag === "#EXT-X-TARGETDURATION") p.targetDuration = Number(value);
    else if (tag === "#EXT-X-PART-INF") p.partTarget = Number(attr(value, "PART-TARGET"));
    else if (tag === "#EXT-X-SERVER-CONTROL") {
      p.partHoldBack = Number(attr(value, "PART-HOLD-BACK"));
      p.canBlockReload = attr(value, "CAN-BLOCK-RELOAD") === "YES";
    } else if (tag === "#EXT-X-MEDIA-SEQUENCE") p.mediaSequence = Number(value);
    else if (tag === "#EXT-X-MAP") p.map = attr(value, "URI")!;
    else if (tag === "#EXT-X-PART") {
      seg().parts.push({
        duration: Number(attr(value, "DURATION")),
        uri: attr(value, "URI")!,
        independent: attr(value, "INDEPENDENT") === "YES",
      });
    } else if (tag === "#EXTINF") seg().duration = Number(value.split(",")[0]);
    else if (tag === "#EXT-X-PRELOAD-HINT") p.preloadHint = attr(value, "URI")!;
    else if (!line.startsWith("#") && line !== "") {
      seg().uri = line;
      p.segments.push(open!);
      open = null;
    }
  }
  if (open !== null) p.segments.push(open);
  return p;
}

/**
 * Asserts what the validator checks on an LL-HLS media playlist. Part
 * durations — at most PART-TARGET, at least 85 % of it (§4.4.4.9;
 * independent parts and a segment's last are exempt) — are checked with
 * `partFloor` only: a live camera whose frames come late (a loaded machine)
 * makes a part shorter or longer, so they hold for steady streams
 * (tests/transports/hls/), not for every live one.
 */
export function assertLowLatencyRules(
  p: MediaPlaylist,
  options: { partFloor?: boolean } = {},
): void {
  assert.ok(p.targetDuration >= 1 && Number.isInteger(p.targetDuration));
  assert.ok(p.canBlockReload, "CAN-BLOCK-RELOAD=YES");
  assert.ok(p.partHoldBack >= 2 * p.partTarget, "PART-HOLD-BACK at least twice PART-TARGET");
  assert.ok(p.map !== "", "EXT-X-MAP");
  assert.ok(p.preloadHint !== "", "EXT-X-PRELOAD-HINT");
  for (const s of p.segments) {
    if (s.duration !== null) {
      assert.ok(Math.round(s.duration) <= p.targetDuration, `EXTINF ${s.duration} within target`);
    }
    s.parts.forEach((part, i) => {
      if (options.partFloor) {
        assert.ok(part.duration <= p.partTarget, `part ${part.uri} ${part.duration} ≤ PART-TARGET`);
      }
      const last = i === s.parts.length - 1 && s.duration !== null;
      if (options.partFloor && !last && !part.independent && s.duration !== null) {
        assert.ok(part.duration >= 0.85 * p.partTarget, `part ${part.uri} at least 85 % of target`);
      }
    });
    if (s.duration !== null && s.parts.length > 0) {
      const sum = s.parts.reduce((n, x) => n + x.duration, 0);
      assert.ok(Math.abs(sum - s.duration) < 0.001, `segment ${s.msn}: parts add up to EXTINF`);
    }
  }
}
