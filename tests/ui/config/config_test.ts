import assert from "node:assert/strict";
import { ConfigError } from "../../../ui/cli/errors.ts";
import { defaultConfig, keyLines, parseConfig } from "../../../ui/config/mod.ts";

function problems(text: string): string[] {
  try {
    parseConfig(text, "eyrie.toml");
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
    return e.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
  }
  assert.fail("the config was accepted");
}

Deno.test("defaultConfig() is one test-pattern camera with the console on 127.0.0.1:8080", () => {
  const c = defaultConfig();
  assert.equal(c.console.listen, "127.0.0.1:8080");
  assert.equal(c.camera.length, 1);
  const cam = c.camera[0];
  assert.deepEqual(
    [cam.id, cam.source, cam.width, cam.height, cam.fps, cam.codec, cam.encoder, cam.bitrate_kbps],
    ["test", "test", 1280, 720, 30, "h264", "auto", 1500],
  );
  assert.equal(c.recording.enabled, false);
  assert.equal(c.tls, null);
});

Deno.test("a full config gets every default filled in and overrides merged per camera", () => {
  const c = parseConfig(
    `
data_dir = "/srv/eyrie"
[recording]
max_bytes = "2GB"
max_age = "7d"
mode = "events"
[detection]
sensitivity = 0.8
[[camera]]
id = "front"
source = "v4l2:/dev/video0"
quality = "high"
  [[camera.rtp]]
  host = "239.1.1.1"
  port = 5004
  dscp = 46
  [camera.recording]
  mode = "continuous"
  max_bytes = "500MB"
  [camera.detection]
  motion_fps = 2
[[camera]]
id = "back"
source = "file:clips/drive.mp4"
codec = "mjpeg"
`,
    "/etc/eyrie/eyrie.toml",
  );
  assert.equal(c.recording.enabled, true);
  assert.equal(c.recording.dir, "/srv/eyrie/recordings");
  assert.equal(c.recording.max_bytes, 2e9);
  const [front, back] = c.camera;
  assert.deepEqual([front.width, front.height, front.fps, front.bitrate_kbps], [
    1920,
    1080,
    30,
    3000,
  ]);
  assert.deepEqual(front.rtp, [
    { host: "239.1.1.1", port: 5004, dscp: 46, ttl: 1, mtu: 1400, multicast_interface: "" },
  ]);
  assert.deepEqual(
    [front.recording.mode, front.recording.max_bytes, front.recording.max_age_s],
    ["continuous", 5e8, 7 * 86400],
  );
  assert.deepEqual([front.detection.sensitivity, front.detection.motion_fps], [0.8, 2]);
  assert.deepEqual([back.recording.mode, back.recording.max_bytes], ["events", 2e9]);
  assert.equal(back.source, "file:/etc/eyrie/clips/drive.mp4", "relative to the config file");
  assert.equal(back.detection.motion_fps, 5);
});

const BAD: [string, string, RegExp][] = [
  ["unknown top-level key", `colour = "red"`, /^1: colour: unknown key/],
  [
    "wrong type",
    `[console]\nlisten = 8080`,
    /^2: console\.listen: must be a string, got an integer/,
  ],
  [
    "bad listen",
    `[console]\nlisten = "localhost"`,
    /^2: console\.listen: "localhost" is not valid/,
  ],
  ["port past 65535", `[console]\nlisten = "127.0.0.1:70000"`, /^2: console\.listen: port 70000/],
  [
    "out of range in the second camera",
    `[[camera]]\nid = "a"\n[[camera]]\nid = "b"\nfps = 500`,
    /^5: camera\[1\]\.fps: must be 1 to 120, got 500/,
  ],
  [
    "nested array of tables",
    `[[camera]]\nid = "a"\n  [[camera.rtp]]\n  port = 1\n  [[camera.rtp]]\n  port = 0`,
    /^6: camera\[0\]\.rtp\[1\]\.port: must be 1 to 65535, got 0/,
  ],
  ["missing id", `[[camera]]\nsource = "test"`, /^1: camera\[0\]\.id: is required/],
  ["bad id", `[[camera]]\nid = "Front Door"`, /^2: camera\[0\]\.id: "Front Door" is not valid/],
  [
    "duplicate id",
    `[[camera]]\nid = "a"\n[[camera]]\nid = "a"`,
    /^4: camera\[1\]\.id: "a" is used by an earlier camera/,
  ],
  [
    "bad source",
    `[[camera]]\nid = "a"\nsource = "usb"`,
    /^3: camera\[0\]\.source: "usb" is not valid: use auto, test/,
  ],
  [
    "screen without a display number",
    `[[camera]]\nid = "a"\nsource = "screen:host"`,
    /^3: camera\[0\]\.source: "host" is not an X display name/,
  ],
  [
    "screen region too small",
    `[[camera]]\nid = "a"\nsource = "screen::0+0,0,8x8"`,
    /^3: camera\[0\]\.source: Screen region "\+0,0,8x8" must be at least 16x16/,
  ],
  [
    "screen region malformed",
    `[[camera]]\nid = "a"\nsource = "screen::0+0,0,640"`,
    /^3: camera\[0\]\.source: "screen::0\+0,0,640" is not valid: use auto, test/,
  ],
  ["odd width", `[[camera]]\nid = "a"\nwidth = 641`, /^3: camera\[0\]\.width: must be even/],
  [
    "bitrate outside its range",
    `[[camera]]\nid = "a"\nbitrate_kbps = 9000\nmax_bitrate_kbps = 8000`,
    /camera\[0\]\.bitrate_kbps: needs min_bitrate_kbps ≤ bitrate_kbps ≤ max_bitrate_kbps/,
  ],
  [
    "codec and encoder disagree",
    `[[camera]]\nid = "a"\ncodec = "mjpeg"\nencoder = "x264"`,
    /^4: camera\[0\]\.encoder: "x264" encodes H\.264/,
  ],
  [
    "bad size",
    `[recording]\nmax_bytes = "lots"`,
    /^2: recording\.max_bytes: size "lots" is not a number with a unit/,
  ],
  [
    "bad duration",
    `[recording]\nmax_age = "2 fortnights"`,
    /^2: recording\.max_age: duration "2 fortnights"/,
  ],
  [
    "schedule needed",
    `[recording]\nmode = "scheduled"`,
    /recording\.schedule: is required when mode = "scheduled"/,
  ],
  ["bad window", `[recording]\nschedule = ["mon 25:00-26:00"]`, /^2: recording\.schedule: /],
  [
    "bad zone polygon",
    `[detection]\n  [[detection.zone]]\n  name = "z"\n  polygon = [[0, 0], [2, 0], [1, 1]]`,
    /^4: detection\.zone\[0\]\.polygon: /,
  ],
  [
    "a console the network reaches without [tls]",
    `[console]\nlisten = "0.0.0.0:8080"`,
    /^2: console\.listen: "0\.0\.0\.0:8080" is reachable from the network, but \[tls\] is not configured/,
  ],
  [
    "a zone wholly under the timecode stamp",
    `[[camera]]\nid = "a"\ntimecode = true\n  [[camera.detection.zone]]\n  name = "corner"\n  polygon = [[0, 0], [0.05, 0], [0.05, 0.05]]`,
    /^4: camera\[0\]\.detection\.zone: Zone "corner" covers no pixel of a 320x180 frame outside the masks and the timecode stamp/,
  ],
  ["camera not an array of tables", `camera = 3`, /^1: camera: must be an array of tables/],
  ["an RTSP listen address", `[rtsp]\nlisten = "8554"`, /^2: rtsp\.listen: "8554" is not valid/],
  [
    "an RTSP session timeout",
    `[rtsp]\nsession_timeout_s = 1`,
    /^2: rtsp\.session_timeout_s: must be 2 to 3600/,
  ],
  [
    "an ICE server URL",
    `[webrtc]\nice_servers = ["http://turn.example.org"]`,
    /^2: webrtc\.ice_servers\[0\]: ICE server "http:\/\/turn\.example\.org" is not stun:host/,
  ],
  [
    "a TURN server without credentials",
    `[webrtc]\nice_servers = ["turn:turn.example.org"]`,
    /^2: webrtc\.ice_servers\[0\]: "turn:turn\.example\.org" has no credentials/,
  ],
  [
    "ice_lite with ICE servers",
    `[webrtc]\nice_servers = ["stun:stun.example.org"]\nice_lite = true`,
    /webrtc\.ice_lite: an ICE-lite agent gathers no STUN or TURN candidates/,
  ],
  [
    "full ICE without servers",
    `[webrtc]\nice_lite = false`,
    /^2: webrtc\.ice_lite: full ICE without ice_servers/,
  ],
  ["TOML syntax", `[console\nlisten = 1`, /^1: : not valid TOML/],
  ["duplicate key (TOML)", `a = 1\na = 2`, /^2: : not valid TOML/],
];

for (const [what, text, expected] of BAD) {
  Deno.test(`a bad config names the key path and line: ${what}`, () => {
    const found = problems(text);
    assert.ok(found.some((p) => expected.test(p)), `expected ${expected} in:\n${found.join("\n")}`);
  });
}

Deno.test("[rtsp] is off when absent, and defaults to 127.0.0.1:8554 with a 60 s session timeout", () => {
  assert.equal(parseConfig(`[[camera]]\nid = "a"`, "t.toml").rtsp, null);
  assert.deepEqual(parseConfig(`[rtsp]`, "t.toml").rtsp, {
    listen: "127.0.0.1:8554",
    session_timeout_s: 60,
  });
});

Deno.test("[webrtc] is ICE lite without servers, full ICE with them (the issue's contract)", () => {
  assert.deepEqual(parseConfig(`[[camera]]\nid = "a"`, "t.toml").webrtc, {
    ice_servers: [],
    ice_lite: true,
    turn_secret: "",
    turn_ttl_s: 86400,
    fec: "auto",
  });
  const w = parseConfig(
    `[webrtc]\nice_servers = ["stun:stun.example.org:3478", "turn:user:pass@turn.example.org:3478"]`,
    "t.toml",
  ).webrtc;
  assert.equal(w.ice_lite, false);
  assert.equal(w.ice_servers.length, 2);
  assert.equal(parseConfig(`[webrtc]\nice_lite = true`, "t.toml").webrtc.ice_lite, true);
});

Deno.test("[webrtc] fec is auto, always or never; anything else is refused with its key and line", () => {
  for (const fec of ["auto", "always", "never"]) {
    assert.equal(parseConfig(`[webrtc]\nfec = "${fec}"`, "t.toml").webrtc.fec, fec);
  }
  const found = problems(`[webrtc]\nfec = "sometimes"`);
  assert.equal(found.length, 1, found.join("\n"));
  assert.match(found[0], /^2: webrtc\.fec: .*"sometimes"/);
});

Deno.test("[mqtt] is off when absent, and defaults to a local broker, eyrie/ topics and Home Assistant discovery", () => {
  assert.equal(parseConfig(`[[camera]]\nid = "a"`, "t.toml").mqtt, null);
  const m = parseConfig(`[mqtt]\nca = "ca.pem"`, "/etc/eyrie/eyrie.toml").mqtt!;
  assert.equal(m.url, "mqtt://127.0.0.1:1883");
  assert.equal(m.topic_prefix, "eyrie");
  assert.equal(m.discovery_prefix, "homeassistant");
  assert.match(m.client_id, /^eyrie-[A-Za-z0-9_-]+$/);
  assert.equal(m.ca, "/etc/eyrie/ca.pem");
  assert.equal(m.stats_interval_s, 60);
  assert.equal(parseConfig(`[mqtt]\ndiscovery_prefix = ""`, "t.toml").mqtt!.discovery_prefix, "");
});

Deno.test("[[camera.publish]] kind janus: the URL without its trailing slash, the rest defaulted", () => {
  const cam = parseConfig(
    `[[camera]]\nid = "a"\n  [[camera.publish]]\n  kind = "janus"\n  url = "http://127.0.0.1:8088/janus/"`,
    "t.toml",
  ).camera[0];
  assert.deepEqual(cam.publish, [{
    kind: "janus",
    url: "http://127.0.0.1:8088/janus",
    admin_key: "",
    api_secret: "",
    id: 0,
    rtp_host: "",
  }]);
});

Deno.test("every problem in a config is reported at once", () => {
  const found = problems(`[console]\nlisten = 1\n[[camera]]\nid = "a"\nfps = 0\nwidth = "wide"`);
  assert.equal(found.length, 3, found.join("\n"));
});

/** "12: camera[0].fps: must be…" → "12: camera[0].fps" */
function withoutMessage(problem: string): string {
  return problem.split(": ").slice(0, 2).join(": ");
}

Deno.test("a bad field does not hide a check across fields of the same table", () => {
  const found = problems(
    [
      `[[camera]]`,
      `id = "a"`,
      `fps = 500`,
      `width = 641`,
      `codec = "mjpeg"`,
      `encoder = "x264"`,
      `  [[camera.forward]]`,
      `  port = 0`,
      `  [camera.recording]`,
      `  mode = "scheduled"`,
      `  max_bytes = "lots"`,
      `  [[camera.detection.zone]]`,
      `  min_area = 2`,
      `  [[camera.detection.webhook]]`,
      `  timeout_ms = 1`,
    ].join("\n"),
  );
  assert.deepEqual(found.map(withoutMessage), [
    "3: camera[0].fps",
    "4: camera[0].width",
    "6: camera[0].encoder",
    "7: camera[0].forward[0].host",
    "7: camera[0].forward[0].remote",
    "7: camera[0].forward[0].cert",
    "8: camera[0].forward[0].port",
    "9: camera[0].recording.schedule",
    "11: camera[0].recording.max_bytes",
    "12: camera[0].detection.zone[0].name",
    "12: camera[0].detection.zone[0].polygon",
    "13: camera[0].detection.zone[0].min_area",
    "14: camera[0].detection.webhook[0].url",
    "15: camera[0].detection.webhook[0].timeout_ms",
  ]);
});

Deno.test("a broken [detection] or [recording] does not hide a camera's own problems there", () => {
  const found = problems(
    `[detection]\nsensitivity = 2\n[recording]\nsegment_s = 1\n` +
      `[[camera]]\nid = "a"\n  [camera.detection]\n  motion_fps = 99\n  [camera.recording]\n  pre_roll_s = -1`,
  );
  assert.deepEqual(found.map(withoutMessage), [
    "2: detection.sensitivity",
    "4: recording.segment_s",
    "8: camera[0].detection.motion_fps",
    "10: camera[0].recording.pre_roll_s",
  ]);
});

Deno.test("problems are reported in the file's line order, whatever order they are checked in", () => {
  const found = problems(
    `[[camera]]\nid = "a"\nfps = 0\n[detection]\nsensitivity = 2\n[console]\nlisten = 1\n[log]\nlevel = "loud"`,
  );
  assert.deepEqual(found.map((p) => Number(p.split(":")[0])), [3, 5, 7, 9]);
});

Deno.test("the problems of a state check come with the file's own, in line order", () => {
  const text = `[console]\nlisten = "0.0.0.0:8080"\n[tls]\n[[camera]]\nid = "a"\nfps = 0`;
  const seen: string[] = [];
  try {
    parseConfig(text, "eyrie.toml", {
      state: (c) => {
        seen.push(`${c.console.listen} ${c.tls?.server_name} ${c.data_dir !== ""}`);
        return [{ path: "console.listen", message: "nobody can sign in" }];
      },
    });
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`), [
      "2: console.listen: nobody can sign in",
      "6: camera[0].fps: must be 1 to 120, got 0",
    ]);
  }
  assert.deepEqual(seen, ["0.0.0.0:8080 console true"]);
  // Without [tls] the exposure problem stands alone: the state check does not run.
  assert.deepEqual(
    problems(`[console]\nlisten = "0.0.0.0:8080"`).map((p) => p.split(":")[0]),
    ["2"],
  );
});

Deno.test("keyLines() maps nested array-of-table keys to their lines", () => {
  const where = keyLines(
    `a = 1\n[[camera]]\nid = "x"\n  [[camera.rtp]]\n  port = 1\n[[camera]]\nid = "y"\n  [camera.recording]\n  mode = "off"\nlist = [\n  1,\n]\nafter = 2`,
  );
  assert.equal(where.get("a"), 1);
  assert.equal(where.get("camera[0].rtp[0].port"), 5);
  assert.equal(where.get("camera[1].id"), 7);
  assert.equal(where.get("camera[1].recording.mode"), 9);
  assert.equal(where.get("camera[1].recording.after"), 13);
});

Deno.test("the detector's analysed size is never larger than the camera's frames", () => {
  const c = parseConfig(`[[camera]]\nid = "tiny"\nwidth = 160\nheight = 120`, "eyrie.toml");
  assert.deepEqual([c.camera[0].detection.width, c.camera[0].detection.height], [160, 120]);
});

Deno.test('speaker = "backchannel" is taken for an rtsp:// camera and refused, with its key, for others', () => {
  const rtsp = parseConfig(
    `[[camera]]\nid = "door"\nsource = "rtsp://cam/stream"\nspeaker = "backchannel"\n`,
    "t.toml",
  );
  assert.equal(rtsp.camera[0].speaker, "backchannel");
  const found = problems(`[[camera]]\nid = "door"\nsource = "test"\nspeaker = "backchannel"\n`);
  assert.equal(found.length, 1, found.join("\n"));
  assert.match(found[0], /camera\[0\]\.speaker: .*needs source = "rtsp:\/\/…", not "test"/);
});
