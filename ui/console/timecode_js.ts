/**
 * The browser's reader of the glass-to-glass stamp, the twin of
 * readTimecode() in actors/camera/timecode.ts: same grid, same cell size
 * rule, same check. tests/ui/console/timecode_js_test.ts runs both on the
 * same frames so they cannot drift apart.
 *
 * @module
 */
export const TIMECODE_JS = String.raw`"use strict";
// Cell size for a frame: 16 px, smaller only for frames under 128 × 96; 0 if none fits.
function eyrieTimecodeCell(width, height) {
  var fit = Math.min(Math.floor(width / 8), Math.floor(height / 6));
  var cell = Math.min(16, fit - (fit % 2));
  return cell >= 2 ? cell : 0;
}

// The stamp in ms from RGBA pixels of the top-left 8 × 6 cells (rowBytes per row), or null.
function eyrieReadStamp(rgba, rowBytes, cell) {
  var half = cell >> 1;
  var r = Math.max(1, cell >> 2);
  var ms = 0;
  var check = 0;
  for (var i = 0; i < 48; i++) {
    var cx = (i % 8) * cell + half;
    var cy = Math.floor(i / 8) * cell + half;
    var sum = 0;
    var n = 0;
    for (var y = cy - r; y < cy + r; y++) {
      for (var x = cx - r; x < cx + r; x++) {
        var p = y * rowBytes + x * 4;
        sum += 0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2];
        n++;
      }
    }
    var bit = sum / n >= 128 ? 1 : 0;
    if (i < 44) ms = ms * 2 + bit;
    else check = check * 2 + bit;
  }
  var nibbles = 0;
  var v = ms;
  for (var k = 0; k < 11; k++) {
    nibbles += v % 16;
    v = Math.floor(v / 16);
  }
  return check === (nibbles + 5) % 16 ? ms : null;
}
`;
