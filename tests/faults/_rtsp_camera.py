#!/usr/bin/python3
"""A real RTSP camera for eyrie's fault tests: GStreamer's gst-rtsp-server.

usage: _rtsp_camera.py PORT [--path /stream] [--user U --password P] [--size 320x240] [--fps 15]
                       [--profile high --bframes 2] [--bitrate KBPS] [--audio opus|pcma|aac]
                       [--opus-frame MS]
                       [--backchannel FILE [--backchannel-codec pcmu|opus|aac]]

Serves a live H.264 test pattern at rtsp://127.0.0.1:PORT/PATH: by default
constrained baseline without B-frames (x264 zerolatency); with --profile high
--bframes N the way many IP cameras send it, High profile with B-frames. With
--audio it sends a 440 Hz tone as a second track (Opus, G.711 A-law or AAC), as
cameras with a microphone do. With --backchannel it is an ONVIF camera with a
speaker (RTSPOnvifServer): a client whose DESCRIBE has `Require:
www.onvif.org/ver20/backchannel` gets a sendonly audio media (PCMU 8 kHz by
default) and what it sends there is decoded and written to FILE as a WAV. Prints
"ready rtsp://..." on stdout once listening; stops on SIGTERM or when its
standard input closes (so a test that dies cannot leave it behind).
"""
import argparse
import signal
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("--path", default="/stream")
parser.add_argument("--user")
parser.add_argument("--password")
parser.add_argument("--size", default="320x240")
parser.add_argument("--fps", type=int, default=15)
parser.add_argument("--profile", default="")
parser.add_argument("--bframes", type=int, default=0)
parser.add_argument("--bitrate", type=int, default=0)
parser.add_argument("--switch-size", default="")  # WxH: change the picture size mid-stream
parser.add_argument("--switch-after", type=float, default=3.0)
parser.add_argument("--no-inband", action="store_true")  # SPS/PPS only in the SDP
parser.add_argument("--audio", choices=["opus", "pcma", "aac"], default=None)
# Opus frame length in ms: 40 is one eyrie's own encoder never makes, the mark of a passthrough.
parser.add_argument("--opus-frame", default="20")
parser.add_argument("--backchannel", default="")
parser.add_argument("--backchannel-codec", choices=["pcmu", "opus", "aac"], default="pcmu")
args = parser.parse_args()
width, height = (int(v) for v in args.size.split("x"))

Gst.init(None)
loop = GLib.MainLoop()
server = GstRtspServer.RTSPOnvifServer() if args.backchannel else GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(str(args.port))
factory = (GstRtspServer.RTSPOnvifMediaFactory() if args.backchannel
           else GstRtspServer.RTSPMediaFactory())
if args.bframes > 0:
    # B-frames need lookahead: no zerolatency tune (it turns them off).
    x264 = f"x264enc speed-preset=veryfast bframes={args.bframes} b-adapt=false key-int-max={args.fps}"
else:
    x264 = f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={args.fps}"
if args.bitrate > 0:
    x264 += f" bitrate={args.bitrate}"
caps = [f"profile={args.profile}"] if args.profile else []
if args.no_inband:
    # avc: SPS and PPS travel as codec data, which rtph264pay puts in the SDP only.
    caps.append("stream-format=avc")
profile = f" ! video/x-h264,{','.join(caps)}" if caps else ""
interval = 0 if args.no_inband else 1
AUDIO = {
    "opus": f"opusenc frame-size={args.opus_frame} ! rtpopuspay name=pay1 pt=97",
    "pcma": "audioresample ! audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay1 pt=8",
    "aac": "voaacenc ! rtpmp4apay name=pay1 pt=97",
}
audio = ""
if args.audio is not None:
    audio = (f" audiotestsrc is-live=true wave=sine freq=440 volume=0.5 ! audioconvert "
             f"! {AUDIO[args.audio]}")
factory.set_launch(
    f"( videotestsrc is-live=true pattern=ball ! videoscale ! capsfilter name=size "
    f"caps=video/x-raw,width={width},height={height},framerate={args.fps}/1 ! {x264}{profile} "
    f"! rtph264pay name=pay0 pt=96 config-interval={interval}{audio} )"
)


def on_configure(_factory, media):
    if not args.switch_size:
        return
    w, h = (int(v) for v in args.switch_size.split("x"))
    size = media.get_element().get_by_name("size")

    def switch():
        size.set_property("caps", Gst.Caps.from_string(
            f"video/x-raw,width={w},height={h},framerate={args.fps}/1"))
        return False

    GLib.timeout_add(int(args.switch_after * 1000), switch)


BACKCHANNEL = {
    "pcmu": ("payload=0, clock-rate=8000, encoding-name=PCMU", "rtppcmudepay ! mulawdec"),
    "opus": ("payload=98, clock-rate=48000, encoding-name=OPUS", "rtpopusdepay ! opusdec"),
    # fmtp parameters are strings in RTP caps (an int config gives the decoder no codec data).
    "aac": ("payload=99, clock-rate=16000, encoding-name=MPEG4-GENERIC, mode=(string)AAC-hbr, "
            "sizelength=(string)13, indexlength=(string)3, indexdeltalength=(string)3, "
            "config=(string)1408, streamtype=(string)5, profile-level-id=(string)1",
            "rtpmp4gdepay ! avdec_aac ! audioresample ! audio/x-raw,rate=16000"),
}
if args.backchannel:
    # async=false as gst-rtsp-server's test-onvif-backchannel.c has it (a sink waiting to
    # preroll holds the media back); unbuffered, so the file has what came so far.
    rtp, decode = BACKCHANNEL[args.backchannel_codec]
    factory.set_backchannel_launch(
        f'( capsfilter caps="application/x-rtp, media=audio, {rtp}" name=depay_backchannel '
        f"! {decode} ! audioconvert ! audio/x-raw,channels=1 ! wavenc ! filesink async=false buffer-mode=unbuffered location={args.backchannel} )")
    # As gst-rtsp-server's test-onvif-backchannel.c: ONVIF media, one per client.
    factory.set_media_gtype(GstRtspServer.RTSPOnvifMedia.__gtype__)
factory.connect("media-configure", on_configure)
factory.set_shared(not args.backchannel)
if args.user is not None:
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
    server.set_auth(auth)
    permissions = GstRtspServer.RTSPPermissions()
    permissions.add_role_from_structure(
        Gst.Structure.from_string("user, media.factory.access=(boolean)true, "
                                  "media.factory.construct=(boolean)true")[0])
    factory.set_permissions(permissions)
server.get_mount_points().add_factory(args.path, factory)
if server.attach(None) == 0:
    print(f"error cannot listen on 127.0.0.1:{args.port}", flush=True)
    sys.exit(1)


def watch_stdin():
    # A test that dies closes our stdin: stop then.
    try:
        while sys.stdin.read(1):
            pass
    finally:
        GLib.idle_add(loop.quit)


threading.Thread(target=watch_stdin, daemon=True).start()
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
print(f"ready rtsp://127.0.0.1:{args.port}{args.path}", flush=True)
loop.run()
