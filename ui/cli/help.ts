/** `eyrie --help` and each command's `--help`. */
export const HELP = {
  eyrie: `Usage: eyrie <command> [options]

A camera streaming runtime: capture, encode, stream (WebRTC, RTP), record and
detect, supervised so it runs for months without attention.

Commands:
  run            Start everything (default config: a test-pattern camera,
                 console on http://127.0.0.1:8080)
  probe          Show the platform, GStreamer, cameras, working encoders and services
  receive        Receive RTP video (eyrie's [[camera.rtp]] or any RFC 2435/6184
                 sender): stats, or the frames to a file
  view           Play another eyrie's camera in a window (WHEP or RTP), with
                 fps, bitrate, loss and latency over the picture
  config check   Validate a config file
  receive --tls  Receive another eyrie's [[camera.forward]] stream over
                 mutual TLS: stats, or the video to a file
  certs          Manage the installation's CA and certificates
  service        Install or uninstall eyrie as a systemd service
  user           Manage console users and what they may watch
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
  probe: `Usage: eyrie probe [--json] [--config FILE]

Show the platform (Raspberry Pi model, Jetson, generic), the GStreamer
version, the cameras with their modes, the X screens a screen source can
capture, the H.264 encoders that really work here, and the decoders that
eyrie view can use. With a config, also whether the services it names can be
reached: the RTSP server's address, the MQTT broker (a real connection with
the config's login), each [[camera.publish]] Janus.

Options:
  --json          Print one JSON document instead of text
  --config FILE   Probe the services this config names`,
  view: `Usage: eyrie view URL [--fullscreen] [options]

Open a window on this machine's X display that plays a camera of another
eyrie, decoded by the best H.264 decoder that works here (V4L2 stateless,
V4L2 stateful, VA-API, NVDEC, then avdec_h264; each proven on a short test
stream first), with fps, bitrate, packet loss and latency drawn over the
picture and printed once a second. Latency is the sender's clock at the
frame's capture (from its RTCP sender reports, or the forward's capture
time) to arrival here: true only when both clocks agree (the same machine,
or NTP on both).

URL:
  http(s)://HOST:PORT/api/cameras/ID    WHEP (…/ID/whep works too)
  http(s)://HOST:PORT/api/cameras/ID/sdp[?output=N]
                                        RTP as that camera's SDP describes it
  rtp://ADDRESS:PORT                    RTP sent here ([[camera.rtp]]); RTCP
                                        on PORT+1; a multicast group is joined
  FILE.sdp                              an SDP file: its c= address and its
                                        m=video port
  tls://ADDRESS:PORT                    listen there for a [[camera.forward]]
                                        sender (mutual TLS, as eyrie receive
                                        --tls; port 0 picks a free one)
  quic://ADDRESS:PORT                   the same for a forward with transport
                                        = "quic" (UDP, as eyrie receive
                                        --transport quic)

Options:
      --fullscreen      Cover the screen (EWMH full-screen state)
      --decoder NAME    Use this GStreamer decoder only (e.g. avdec_h264)
  -t, --duration S      Stop after S seconds
  -q, --quiet           No figures on stdout
  tls:// and quic:// only, as eyrie receive --tls:
      --name NAME       Server certificate to present (default: console)
      --certs DIR | --config FILE | --data-dir DIR
                        Where the certificates are (default: the data dir's)

Ends with exit code 0 when the window is closed, the stream ends (the WHEP
session closes, the forward's sender leaves, or no video for 5 s), at
--duration, or on Ctrl-C; 1 when no video arrives within 15 s (a tls:// or
quic:// viewer waits for its sender) or the decoder fails.

Examples:
  eyrie view http://pi.lan:8080/api/cameras/front
  eyrie view rtp://0.0.0.0:5004 --fullscreen`,
  receive: `Usage: eyrie receive --port PORT [options]
       eyrie receive --tls [options]   (see: eyrie receive --tls --help)

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

Validate FILE with exactly the checks \`eyrie run\` makes before it starts
(including who can reach the console and whether someone can sign in).
Prints "ok" and exits 0, or prints every problem, in line order, with its
line and key path and exits 2.`,
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
  receive_tls: `Usage: eyrie receive --tls [options]
       eyrie receive --transport quic [options]

Receive eyrie's access-unit stream from other eyries ([[camera.forward]])
over TLS 1.3 with mutual authentication: each sender presents a client
certificate from this installation's CA (eyrie certs issue client NAME;
revocations apply at once), and pins this server's certificate, whose
fingerprint is printed at start. Prints stats once a second and optionally
writes the first sender's stream to a file. With --transport quic the video
comes as RTP in QUIC datagrams (UDP; never retransmitted, a lost frame asks
the sender for a keyframe), the sender proving its certificate inside the
connection (see docs/security.md).

Options:
      --tls             The mutual-TLS access-unit receiver (TCP)
      --transport T     tls (same as --tls) or quic (same as --quic)
  -p, --port PORT       TCP port, or UDP for quic (default 7443; 0 picks a free one)
      --host ADDRESS    Local address to listen on (default 0.0.0.0)
      --name NAME       Server certificate to present (default "console":
                        <certs>/server/NAME.crt)
      --certs DIR       Certs directory (default: <data dir>/certs)
      --config FILE     Use [tls].dir or the data_dir of this config
      --data-dir DIR    Use DIR/certs
  -o, --out FILE        Write the first sender's stream: Annex-B H.264 (play
                        FILE.h264) or concatenated JPEGs; - for stdout
  -n, --count N         Stop after N access units
  -t, --duration S      Stop after S seconds
      --json            Stats as JSON lines
  -q, --quiet           No stats lines

Stats go to stdout (stderr with --out -). Exits 1 when nothing arrived.

Example (on the hub; the camera pins the printed fingerprint):
  eyrie certs issue client garage-cam     # copy to the camera device
  eyrie receive --tls --port 7443 --out garage.h264 --duration 60`,
  user: `Usage: eyrie user <command> NAME [options]

Console users, their passwords (scrypt) and what they may do, kept in
<data dir>/eyrie.db. Auth is on as soon as one user exists (or when
[tls] require_client_cert = true); with no users a console on 127.0.0.1
needs no sign-in. A client certificate whose name is a user's (eyrie certs
issue client NAME) signs in as that user. A running eyrie sees changes at
once; passwd and remove end the user's sessions.

Commands:
  add NAME       Add a user (a viewer unless --admin); asks for the password
  passwd NAME    Change (or with --no-password remove) the password
  grant NAME     Change the role, and/or set what a viewer may do to exactly
                 the grant options given (as add does)
  remove NAME    Remove a user and their grant (not the last admin while
                 other users remain)
  rtsp NAME      Set (or with --off remove) the user's RTSP password: what
                 RTSP clients (ffmpeg, VLC, Frigate, Home Assistant) sign in
                 with by Digest. Kept apart from the console password, which
                 it never is (see docs/rtsp.md)
  list           List users and the client certificates with access

Password (add, passwd, rtsp), one of:
  (none)                 Ask twice on the terminal, without echo
  --password-stdin       Read it from stdin (one line), e.g. from a secret store
  --no-password          Client certificate only (add, passwd)
  --off                  No RTSP password: no RTSP sign-in (rtsp)
  --password PASSWORD    On the command line: visible in ps and shell
                         history; eyrie warns

Role and grant (add, grant):
  --admin, --role admin|viewer
  --cameras LIST         Camera ids separated by commas, * for all (the
                         default for a new viewer), or none
  --can-record           May start and stop recording
  --can-download         May list and download recordings
  --can-control-quality  May change a camera's quality or bitrate
  --can-talk             May talk through a camera's speaker (two-way talk)
  --max-quality Q        low | medium | high | ultra: cameras above it are
                         refused (default ultra)

Options:
  --config FILE     Use the data_dir of this config
  --data-dir DIR    Use this data dir (default: $EYRIE_DATA_DIR, or
                    /var/lib/eyrie as root, else ~/.local/share/eyrie)
  --json            list: one JSON document

Examples:
  eyrie user add alice --admin
  printf '%s\n' "$PW" | eyrie user add bob --password-stdin --cameras front,back
  eyrie user grant bob --cameras front --can-download --max-quality medium
  eyrie user add garage-hub --no-password --cameras front`,
  version: `Usage: eyrie version

Print eyrie's version and the Deno, V8 and TypeScript versions.`,
} as const;
