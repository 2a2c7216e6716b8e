// Where a process's memory is, from /proc (Linux): the totals of smaps_rollup
// and a breakdown of smaps by what is mapped.

/** Resident and proportional memory of a process, in MB (10^6 bytes). */
export interface MemoryTotals {
  rss: number;
  /** Proportional set size: shared pages divided among the processes that map them. */
  pss: number;
  anon: number;
  file: number;
}

function kb(text: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, "m").exec(text);
  if (m === null) throw new Error(`no ${key} in /proc`);
  return Number(m[1]) * 1024 / 1e6;
}

/** RSS, PSS and the anonymous and file-backed parts of RSS, in MB. */
export function memoryTotals(pid: number): MemoryTotals {
  const rollup = Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`);
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return {
    rss: kb(status, "VmRSS"),
    pss: kb(rollup, "Pss"),
    anon: kb(status, "RssAnon"),
    file: kb(status, "RssFile"),
  };
}

/** The parts of resident memory the breakdown names, in MB. */
export interface MemoryParts {
  /** The deno executable's own pages (code and read-only data; a compiled eyrie maps denort). */
  deno: number;
  /** libgstreamer, its base libraries and the plugins loaded (`gstreamer-1.0/libgst*.so`). */
  gstreamer: number;
  /** gst-libav's FFmpeg libraries and what they pull in (x265, flite, rsvg, …). */
  libav: number;
  /** x264. */
  x264: number;
  /** onnxruntime's native library (only when a model is loaded). */
  onnxruntime: number;
  /** Every other shared library (libc, glib, TLS, ICU, …). */
  otherLibraries: number;
  /** The main malloc arena (`[heap]`). */
  heap: number;
  /** Anonymous mappings: V8 heaps, SharedArrayBuffers, thread arenas, codec buffers, stacks. */
  anonymous: number;
  /** Everything else (Deno's caches, vdso, …). */
  other: number;
  /** Plugins mapped, by name (`x264`, `isomp4`, …). */
  plugins: string[];
}

/**
 * Libraries mapped only because gst-libav's FFmpeg is loaded (the recorder's
 * thumbnails decode with avdec_h264): FFmpeg itself and the dependencies of
 * Debian 12's build that nothing else in eyrie maps. By name, so approximate.
 */
const LIBAV =
  /\/lib(av[a-z]+|sw[a-z]+|postproc|x265|flite\w*|rsvg|placebo|srt-\w+|rav1e|dav1d|aom|vpx|zvbi|codec2|openmpt|bluray|chromaprint|gme|rabbitmq|zmq|ssh-gcrypt|mfx|va|va-drm|va-x11|vdpau|OpenCL|mysofa|bs2b|rubberband|lilv|vidstab|zimg|openal|jack|pocketsphinx|sphinxbase|tesseract|lept|dc1394|cdio\w*|mp3lame|shine|snappy|soxr|speex|theora\w*|twolame|vorbis\w*|xvidcore|gsm|glslang|shaderc\w*|svtav1\w*|jxl\w*|hwy|aribb24|udfread|epoxy|gfortran|cairo|pango\w*|harfbuzz|pixman|gdk_pixbuf)[-.]/;

/** Sums smaps' Rss per kind of mapping. */
export function memoryParts(pid: number): MemoryParts {
  const parts: MemoryParts = {
    deno: 0,
    gstreamer: 0,
    libav: 0,
    x264: 0,
    onnxruntime: 0,
    otherLibraries: 0,
    heap: 0,
    anonymous: 0,
    other: 0,
    plugins: [],
  };
  const exe = Deno.readLinkSync(`/proc/${pid}/exe`);
  const plugins = new Set<string>();
  let name = "";
  for (const line of Deno.readTextFileSync(`/proc/${pid}/smaps`).split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head !== null) {
      name = head[1];
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB$/.exec(line);
    if (rss === null) continue;
    const mb = Number(rss[1]) * 1024 / 1e6;
    const plugin = /gstreamer-1\.0\/libgst(\w+)\.so$/.exec(name);
    if (plugin !== null) plugins.add(plugin[1]);
    if (name === "") parts.anonymous += mb;
    else if (name === "[heap]") parts.heap += mb;
    else if (name === exe) parts.deno += mb;
    else if (plugin !== null || /\/libgst[\w.-]*\.so/.test(name)) parts.gstreamer += mb;
    else if (/\/libx264\.so/.test(name)) parts.x264 += mb;
    else if (/onnxruntime/.test(name)) parts.onnxruntime += mb;
    else if (LIBAV.test(name)) parts.libav += mb;
    else if (/\.so[.\d]*$/.test(name)) parts.otherLibraries += mb;
    else parts.other += mb;
  }
  parts.plugins = [...plugins].sort();
  return parts;
}

/** Threads of a process by name, e.g. {"worker-1": 1, "src:src": 7}. */
export function threadNames(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of Deno.readDirSync(`/proc/${pid}/task`)) {
    let comm: string;
    try {
      comm = Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/comm`).trim();
    } catch {
      continue; // ended meanwhile
    }
    out.set(comm, (out.get(comm) ?? 0) + 1);
  }
  return out;
}

/** Deno Worker threads (one V8 isolate each) of a deno process. */
export function workerThreads(pid: number): number {
  let n = 0;
  for (const [name, count] of threadNames(pid)) if (/^worker-\d+$/.test(name)) n += count;
  return n;
}
