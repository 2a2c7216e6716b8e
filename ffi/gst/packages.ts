// Which Debian package installs a GStreamer element factory. Checked with
// `gst-inspect-1.0 <element>` and `dpkg -S` on Debian 12 (GStreamer 1.22).
// Elements whose plugin registers them only when the hardware exists
// (v4l2h264enc, vah264enc, nvh264enc) were checked with `strings` on the
// plugin file; libcamerasrc and vaapih264enc with `apt-cache show`.

const EXACT: ReadonlyMap<string, string> = new Map([
  ["x264enc", "gstreamer1.0-plugins-ugly"],
  ["openh264enc", "gstreamer1.0-plugins-bad"],
  ["openh264dec", "gstreamer1.0-plugins-bad"],
  ["h264parse", "gstreamer1.0-plugins-bad"],
  ["h265parse", "gstreamer1.0-plugins-bad"],
  ["jpegparse", "gstreamer1.0-plugins-bad"],
  ["x265enc", "gstreamer1.0-plugins-bad"],
  ["libcamerasrc", "gstreamer1.0-libcamera"],
  ["jpegenc", "gstreamer1.0-plugins-good"],
  ["jpegdec", "gstreamer1.0-plugins-good"],
  ["vp8enc", "gstreamer1.0-plugins-good"],
  ["vp8dec", "gstreamer1.0-plugins-good"],
  ["mp4mux", "gstreamer1.0-plugins-good"],
  ["qtmux", "gstreamer1.0-plugins-good"],
  ["qtdemux", "gstreamer1.0-plugins-good"],
  ["matroskamux", "gstreamer1.0-plugins-good"],
  ["matroskademux", "gstreamer1.0-plugins-good"],
  ["splitmuxsink", "gstreamer1.0-plugins-good"],
  ["udpsrc", "gstreamer1.0-plugins-good"],
  ["udpsink", "gstreamer1.0-plugins-good"],
  ["appsrc", "gstreamer1.0-plugins-base"],
  ["appsink", "gstreamer1.0-plugins-base"],
  ["videoconvert", "gstreamer1.0-plugins-base"],
  ["videoscale", "gstreamer1.0-plugins-base"],
  ["videorate", "gstreamer1.0-plugins-base"],
  ["videotestsrc", "gstreamer1.0-plugins-base"],
  ["compositor", "gstreamer1.0-plugins-base"],
  ["fakesink", "libgstreamer1.0-0"],
  ["fakesrc", "libgstreamer1.0-0"],
  ["filesrc", "libgstreamer1.0-0"],
  ["filesink", "libgstreamer1.0-0"],
  ["queue", "libgstreamer1.0-0"],
  ["capsfilter", "libgstreamer1.0-0"],
  ["identity", "libgstreamer1.0-0"],
  ["tee", "libgstreamer1.0-0"],
  ["valve", "libgstreamer1.0-0"], // not a VA-API element despite the prefix
  ["alsasrc", "gstreamer1.0-alsa"],
  ["alsasink", "gstreamer1.0-alsa"],
  ["pulsesrc", "gstreamer1.0-pulseaudio"],
  ["pulsesink", "gstreamer1.0-pulseaudio"],
  ["audiotestsrc", "gstreamer1.0-plugins-base"],
  ["audioconvert", "gstreamer1.0-plugins-base"],
  ["audioresample", "gstreamer1.0-plugins-base"],
  ["opusenc", "gstreamer1.0-plugins-base"],
  ["opusdec", "gstreamer1.0-plugins-base"],
]);

// Checked in order; the first matching prefix wins.
const PREFIXES: readonly (readonly [string, string])[] = [
  ["vaapi", "gstreamer1.0-vaapi"], // before "va"
  ["va", "gstreamer1.0-plugins-bad"], // vah264enc, vah264dec, vapostproc
  ["nv", "gstreamer1.0-plugins-bad"], // nvh264enc, nvh264dec (nvcodec)
  ["v4l2", "gstreamer1.0-plugins-good"], // v4l2src, v4l2h264enc, v4l2convert
  ["rtp", "gstreamer1.0-plugins-good"], // rtph264pay, rtpjpegpay, rtpbin
  ["avdec_", "gstreamer1.0-libav"],
  ["avenc_", "gstreamer1.0-libav"],
];

/**
 * The Debian package that installs the GStreamer element factory
 * `factoryName`, or null when the table does not know it.
 */
export function debianPackageFor(factoryName: string): string | null {
  const exact = EXACT.get(factoryName);
  if (exact !== undefined) return exact;
  for (const [prefix, pkg] of PREFIXES) {
    if (factoryName.startsWith(prefix)) return pkg;
  }
  return null;
}

/** One sentence telling the user how to get a missing element. */
export function missingElementMessage(factoryName: string): string {
  const pkg = debianPackageFor(factoryName);
  return pkg === null
    ? `GStreamer element "${factoryName}" is not installed (no known Debian package provides it)`
    : `GStreamer element "${factoryName}" is not installed: install the Debian package "${pkg}"`;
}
