/**
 * The library page's "camera recordings" library: the cameras' segments
 * (`GET /api/recordings`) shown as one more library beside the folders,
 * as cards like the folders' items, and played through the recordings
 * routes themselves: an MP4 segment as it is (ranges), a Matroska, MOV or
 * AVI one as its MP4 copy (`?format=mp4`, the recordings' own export), an
 * MJPEG one not in the <video> (its pictures play on /recordings, which
 * the card says). Search matches the camera and the start time; sort is
 * the page's. No watch positions or playlists: those are the folders'.
 * The option appears only when the recordings answer the caller.
 *
 * @module
 */

/** The select's value for this library: no [[library]] id can start with "@". */
export const RECORDINGS_LIBRARY = "@recordings";

/** The script, run inside the library page's (uses its `el`, `say`, `card` and `$`). */
export const RECORDINGS_SCRIPT = `
const RECORDINGS = ${JSON.stringify(RECORDINGS_LIBRARY)};
// Newest first, one page: enough to browse; /recordings has the timeline for the rest.
const RECORDINGS_PAGE = 500;

async function addRecordingsOption() {
  const res = await fetch("/api/recordings?limit=1");
  await res.body?.cancel();
  if (res.ok) $("#lib").append(new Option("camera recordings", RECORDINGS));
}

function recordingItem(s) {
  const started = new Date(s.start_ms);
  const item = {
    id: "rec-" + s.id,
    kind: "recording",
    name: s.camera + " · " + started.toLocaleString(),
    duration_s: s.duration_s ?? (Date.now() - s.start_ms) / 1000,
    width: 0,
    height: 0,
    codecs: [s.codec],
    size: s.bytes,
    date: s.start_ms,
    position_s: 0,
    thumbnail_url: s.thumbnail_url,
    search: (s.camera + " " + s.start).toLowerCase(),
    play_url: s.codec === "mjpeg" ? null
      : s.container === "mp4" ? s.url : s.url + "?format=mp4",
    delivery: s.container === "mp4" || s.codec === "mjpeg" ? "file" : "copy",
    note: "MJPEG pictures: play it on the Recordings page",
  };
  return item;
}

async function loadRecordings() {
  const res = await fetch("/api/recordings?order=desc&limit=" + RECORDINGS_PAGE);
  const body = await res.json();
  if (!res.ok) { say(body.error, true); return []; }
  const q = $("#q").value.trim().toLowerCase();
  const items = body.segments.map(recordingItem).filter((i) => q === "" || i.search.includes(q));
  const by = {
    name: (a, b) => a.name.localeCompare(b.name),
    date: (a, b) => b.date - a.date,
    duration: (a, b) => b.duration_s - a.duration_s,
    size: (a, b) => b.size - a.size,
  }[$("#sort").value];
  items.sort(by);
  say(items.length + " recordings" + (body.next ? " (the newest " + RECORDINGS_PAGE + ")" : ""));
  return items;
}
`;
