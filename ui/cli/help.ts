/** `eyrie --help` and each command's `--help`. */
export const HELP = {
  eyrie: `Usage: eyrie <command> [options]

A camera streaming runtime: capture, encode, stream (WebRTC, RTP), record and
detect, supervised so it runs for months without attention.

Commands:
  run            Start everything (default config: a test-pattern camera,
                 console on http://127.0.0.1:8080)
  probe          Show the platform, GStreamer, cameras and working encoders
  receive        Receive RTP video (eyrie's [[camera.rtp]] or any RFC 2435/6184
                 sender): stats, or the frames to a file
  config check   Validate a config file
  certs          Manage the installation's CA and certificates
  service        Install or uninstall eyrie as a systemd service
  version        Print the version

Global options:
  --debug        Print stack traces with errors
  -h, --help     Show help for a command

Exit codes: 0 ok, 1 runtime failure, 2 usage or config error.`,
  run: `Usage: eyrie run [--config FILE]

Start every camera in the config, the console and the API, and keep them
running: crashed parts restart under supervision. SIGHUP (or POST
/api/config/reload) re-reads the config: changed cameras restart, unchanged
ones keep running, and a bad file is refused. SIGINT or SIGTERM stops
everything in reverse order and exits 0. Under systemd (Type=notify) it
reports ready, reloading and stopping, and pings the watchdog.

Options:
  --config FILE   TOML config (default: a test-pattern camera and the console
                  on 127.0.0.1:8080)`,
  probe: `Usage: eyrie probe [--json]

Show the platform (Raspberry Pi model, Jetson, generic), the GStreamer
version, the cameras with their modes, and the H.264 encoders that really
work here.

Options:
  --json   Print one JSON document instead of text`,
  receive: `Usage: eyrie receive --port PORT [options]

Listen for RTP video on a UDP port: JPEG (RFC 2435) or H.264 (RFC 6184), from
an eyrie [[camera.rtp]] output or any other sender (GStreamer's rtpjpegpay and
rtph264pay, ffmpeg). Rebuild the frames, print stats once a second (fps,
bitrate, loss, jitter, DSCP), and optionally write the frames to a file.
RTCP: receives sender reports on PORT+1 and answers them with receiver
reports, and with a keyframe request (PLI) while H.264 waits for a keyframe.

Options:
  -p, --port PORT       UDP port of the RTP (RTCP on PORT+1)
      --host ADDRESS    Local address to listen on (default 0.0.0.0), or a
                        multicast group (224.0.0.0/4, ff00::/8) to join
      --interface NAME  The interface to join the group on (e.g. eth0, lo)
      --codec CODEC     auto (default: payload type 26 is JPEG, 96-127 H.264),
                        h264 or mjpeg
  -o, --out FILE        Write the frames: Annex-B H.264 (play FILE.h264) or
                        concatenated JPEGs (FILE.mjpeg); - for stdout
  -n, --count N         Stop after N frames
  -t, --duration S      Stop after S seconds
      --json            Stats as JSON lines
  -q, --quiet           No stats lines

Stats go to stdout (stderr with --out -). Without --count or --duration it
runs until Ctrl-C. Exits 1 when no usable RTP arrived.

Examples:
  eyrie receive --port 5004
  eyrie receive --port 5004 --count 300 --out front.h264 && ffplay front.h264
  eyrie receive --host 239.1.2.3 --port 5004 --duration 10 --json`,
  config: `Usage: eyrie config check FILE

Validate FILE. Prints "ok" and exits 0, or prints each problem with its line
and key path and exits 2.`,
  service: `Usage: eyrie service install|uninstall [--dry-run] [--config FILE]

install: create the system user eyrie (in the video group), put the config
in /etc/eyrie/eyrie.toml (FILE, else the one already there, else a starter
config), keep data in /var/lib/eyrie, write /etc/systemd/system/eyrie.service
(Type=notify with a watchdog, restart on failure, sandboxed) and enable and
(re)start it. Run it again after replacing the binary to upgrade.

uninstall: stop and disable the service and remove the unit. The config,
the data and the user stay.

Both need root.

Options:
  --dry-run       Print every step, and the files in full, and change nothing
  --config FILE   Install FILE as /etc/eyrie/eyrie.toml (validated first)`,
  version: `Usage: eyrie version

Print eyrie's version and the Deno, V8 and TypeScript versions.`,
} as const;
