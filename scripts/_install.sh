#!/usr/bin/env bash
# Installs what eyrie needs and is missing. Sourced by run.sh and test.sh.
#   install_packages runtime   GStreamer for `eyrie run`
#   install_packages test      the above plus the peers the tests talk to
#   install_deno               Deno (pinned) from the npm registry into node_modules/
# Idempotent: apt-get runs only when a package is absent, npm only when the
# pinned Deno is absent. Works with no standard input (CI).
set -euo pipefail

DENO_VERSION="2.9.6"
EYRIE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Deno lives under its own npm prefix: `deno install` rewrites node_modules/.bin,
# so node_modules/.bin/deno is only a link, made again after every sync.
DENO="$EYRIE_ROOT/.deno/node_modules/.bin/deno"

RUNTIME_PACKAGES=(
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-x
  libgstreamer1.0-0 libgstreamer-plugins-base1.0-0 ca-certificates libssl3
)
# Peers the tests use: Chromium (WebRTC, console), openssl and curl (TLS),
# ffmpeg (ffprobe), GStreamer headers and a C compiler (FFI layout test),
# systemd (systemd-analyze verify), sqlite3 (index inspection), a real RTSP
# camera (gst-rtsp-server through Debian's python3-gi; run it with
# /usr/bin/python3, not a python from elsewhere on PATH), Janus (the WebRTC
# bench's anchor), iproute2 (network namespaces and tc netem for link faults),
# Mosquitto (the MQTT broker and its clients), VLC (an RTSP client) and Xvfb
# with xsetroot (an X server and a known picture for the screen source), and
# PulseAudio with ALSA's pulse plugin (a sound server of null sinks for the
# microphone and speaker tests: this machine has no sound card).
TEST_PACKAGES=(
  chromium openssl curl ffmpeg libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gcc libc6-dev pkg-config systemd sqlite3 time
  python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-rtsp-server-1.0 janus iproute2
  mosquitto mosquitto-clients vlc-bin vlc-plugin-base xvfb x11-xserver-utils coturn
  pulseaudio pulseaudio-utils libasound2-plugins
)

log() { printf '[install] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@" || sudo "$@"
  else log "need root or sudo to run: $*"; return 1
  fi
}

missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

install_packages() {
  local want=("${RUNTIME_PACKAGES[@]}")
  [ "${1:-runtime}" = "test" ] && want+=("${TEST_PACKAGES[@]}")
  command -v npm >/dev/null 2>&1 || want+=(nodejs npm)
  # The Pi camera stack, where the distribution has it (Raspberry Pi OS).
  if apt-cache show gstreamer1.0-libcamera >/dev/null 2>&1; then want+=(gstreamer1.0-libcamera); fi
  local missing
  missing=$(missing_packages "${want[@]}")
  if [ -z "$missing" ]; then log "Debian packages: all present"; return 0; fi
  log "Debian packages missing: $(echo $missing | tr '\n' ' ')"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -q
  # shellcheck disable=SC2086
  as_root apt-get install -y -q --no-install-recommends $missing </dev/null
}

install_deno() {
  if [ -x "$DENO" ] && "$DENO" --version 2>/dev/null | head -1 | grep -q "deno $DENO_VERSION "; then
    log "Deno $DENO_VERSION: present"
  else
    log "Deno $DENO_VERSION: installing from the npm registry"
    mkdir -p "$EYRIE_ROOT/.deno"
    npm install --prefix "$EYRIE_ROOT/.deno" --no-save --no-package-lock --no-audit --no-fund \
      "deno@$DENO_VERSION" </dev/null >&2
  fi
  # npm packages from deno.json, at the versions in deno.lock. onnxruntime-node's
  # own install script would download CUDA files: it is skipped.
  (cd "$EYRIE_ROOT" && ONNXRUNTIME_NODE_INSTALL=skip "$DENO" install --frozen --quiet </dev/null)
  mkdir -p "$EYRIE_ROOT/node_modules/.bin"
  ln -sfn "$DENO" "$EYRIE_ROOT/node_modules/.bin/deno"
}
