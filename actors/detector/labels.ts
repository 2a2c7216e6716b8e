/** The 80 COCO class names in the order YOLOv8/YOLO11 COCO models output them. */
// deno-fmt-ignore
export const COCO_LABELS: readonly string[] = Object.freeze([
  "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
  "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog",
  "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
  "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite",
  "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
  "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
  "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant",
  "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
  "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
  "teddy bear", "hair drier", "toothbrush",
]);

/**
 * Most labels a labels file may hold. Reason: the largest public detection
 * vocabularies (LVIS, Objects365) stay below 1,300; 10,000 bounds memory for
 * a wrong file without limiting any real model.
 */
export const MAX_LABELS = 10_000;

/** Longest label. Reason: labels travel in every event and show in the console. */
export const MAX_LABEL_LENGTH = 100;

/**
 * Parses a labels file: one label per line, in class order, surrounding
 * spaces trimmed, blank lines allowed only at the end. Throws a SyntaxError
 * naming the line for a blank or overlong line or a repeated label.
 */
export function parseLabels(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) throw new SyntaxError("Labels file is empty");
  if (lines.length > MAX_LABELS) {
    throw new SyntaxError(`Labels file has ${lines.length} lines, more than ${MAX_LABELS}`);
  }
  const seen = new Map<string, number>();
  lines.forEach((label, i) => {
    if (label === "") throw new SyntaxError(`Labels line ${i + 1} is blank`);
    if (label.length > MAX_LABEL_LENGTH) {
      throw new SyntaxError(
        `Labels line ${i + 1} is longer than ${MAX_LABEL_LENGTH} characters: "${
          label.slice(0, 40)
        }…"`,
      );
    }
    const first = seen.get(label);
    if (first !== undefined) {
      throw new SyntaxError(`Labels line ${i + 1} repeats "${label}" from line ${first + 1}`);
    }
    seen.set(label, i);
  });
  return lines;
}

/**
 * Parses the `names` metadata that Ultralytics writes into its ONNX exports,
 * a Python dict literal such as `{0: 'person', 1: "men's"}`. Returns the
 * names in class order, or null when the text is not such a dict with ids
 * 0..n-1.
 */
export function parseUltralyticsNames(text: string): string[] | null {
  const names: string[] = [];
  const entry = /(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*(,|\})/y;
  let at = text.indexOf("{") + 1;
  if (at === 0) return null;
  for (;;) {
    while (at < text.length && /\s/.test(text[at])) at++;
    if (text[at] === "}") break;
    entry.lastIndex = at;
    const m = entry.exec(text);
    if (m === null || Number(m[1]) !== names.length || names.length >= MAX_LABELS) return null;
    names.push((m[2] ?? m[3]).replace(/\\(.)/g, "$1"));
    at = entry.lastIndex;
    if (m[4] === "}") break;
  }
  return names.length > 0 ? names : null;
}
