import { type CapsStructure, capsStructures, capsToString } from "./caps.ts";
import { lib } from "./_lib.ts";
import { GLIST_DATA, GLIST_NEXT } from "./_layout.ts";
import type { Value } from "./_gvalue.ts";
import { cstr, takeString } from "./_strings.ts";
import { structureFields } from "./_structure.ts";

/** A camera or other video capture device that GStreamer can open. */
export interface VideoSourceDevice {
  /** Human-readable name ("HD Pro Webcam C920"). */
  name: string;
  /** GStreamer's device class ("Video/Source"). */
  deviceClass: string;
  /** The device path ("/dev/video0") or provider id, when the provider reports one. */
  path: string | null;
  /** Every mode the device offers, in GStreamer's text form. */
  caps: string;
  /** The same modes, parsed. */
  modes: CapsStructure[];
  /** The provider's properties ("api.v4l2.path", "device.bus", …). */
  properties: Record<string, Value>;
}

// Where providers put the device's address: v4l2 (1.20+), v4l2 (older),
// libcamera, PipeWire.
const PATH_KEYS = ["api.v4l2.path", "device.path", "api.libcamera.id", "object.path"];

/**
 * Lists video capture devices (GstDeviceMonitor filtered to "Video/Source").
 * Returns [] when there are none, or when no device provider could start.
 * Blocks while the providers probe (V4L2 opens each /dev/video*): call it
 * from the CLI or a Worker, not from a latency-sensitive event loop.
 */
export function listVideoSources(): VideoSourceDevice[] {
  const g = lib();
  const monitor = g.gst_device_monitor_new();
  if (monitor === null) return [];
  try {
    if (g.gst_device_monitor_add_filter(monitor, cstr("Video/Source"), null) === 0) return [];
    if (g.gst_device_monitor_start(monitor) === 0) return [];
    try {
      return takeDevices(g.gst_device_monitor_get_devices(monitor));
    } finally {
      g.gst_device_monitor_stop(monitor);
    }
  } finally {
    g.gst_object_unref(monitor);
  }
}

/** Reads and frees a GList of owned GstDevice references. */
function takeDevices(list: Deno.PointerValue): VideoSourceDevice[] {
  const g = lib();
  const devices: VideoSourceDevice[] = [];
  for (let node = list; node !== null;) {
    const view = new Deno.UnsafePointerView(node);
    const device = view.getPointer(GLIST_DATA);
    if (device !== null) {
      try {
        devices.push(readDevice(device));
      } finally {
        g.gst_object_unref(device);
      }
    }
    node = view.getPointer(GLIST_NEXT);
  }
  if (list !== null) g.g_list_free(list);
  return devices;
}

function readDevice(device: Deno.PointerObject): VideoSourceDevice {
  const g = lib();
  const caps = g.gst_device_get_caps(device);
  let text = "";
  let modes: CapsStructure[] = [];
  if (caps !== null) {
    text = capsToString(caps);
    modes = capsStructures(caps);
    g.gst_mini_object_unref(caps);
  }
  let properties: Record<string, Value> = {};
  const structure = g.gst_device_get_properties(device);
  if (structure !== null) {
    properties = structureFields(structure);
    g.gst_structure_free(structure);
  }
  const key = PATH_KEYS.find((k) => typeof properties[k] === "string");
  return {
    name: takeString(g.gst_device_get_display_name(device)) ?? "",
    deviceClass: takeString(g.gst_device_get_device_class(device)) ?? "",
    path: key === undefined ? null : String(properties[key]),
    caps: text,
    modes,
    properties,
  };
}
