import assert from "node:assert/strict";
import { parseSps, splitAnnexB } from "../../../../transports/rtp/mod.ts";
import { h264 } from "../_media.ts";
import { HAVE_GST } from "../_peers.ts";

async function firstSps(options: Parameters<typeof h264>[1]) {
  const set = await h264(12, options);
  const units = splitAnnexB(set.files[0]);
  const i = Array.from({ length: units.count }, (_, k) => units.type(k)).indexOf(7);
  return parseSps(units.nal(i));
}

Deno.test({
  name: "parseSps() reads x264's max_num_reorder_frames: 0 without B-frames, 1 or more with them",
  ignore: !HAVE_GST,
  async fn() {
    assert.equal((await firstSps({})).reorderFrames, 0);
    assert.equal((await firstSps({ profile: "high" })).reorderFrames, 0);
    const b = await firstSps({ profile: "high", bframes: 2, width: 640, height: 360 });
    assert.equal(b.profileIdc, 100);
    assert.equal(b.width, 640);
    assert.ok(b.reorderFrames !== null && b.reorderFrames >= 1, `reorder ${b.reorderFrames}`);
  },
});

Deno.test("parseSps() says null for reordering when the VUI is cut short, and 0 for Baseline", () => {
  // Baseline 16x16, no VUI: profile 66, level 30, sps id 0, frame_num 4 bits, poc type 2,
  // 1 ref frame, no gaps, 1x1 MBs, frame_mbs_only, direct_8x8, no cropping, no VUI.
  const baseline = Uint8Array.from([0x67, 66, 0xc0, 30, 0b11011010, 0b01111001]);
  assert.equal(parseSps(baseline).reorderFrames, 0);
  // The same as Main profile with vui_parameters_present_flag set and nothing after it.
  const main = Uint8Array.from([0x67, 77, 0x40, 30, 0b11011010, 0b01111010]);
  const info = parseSps(main);
  assert.equal(info.width, 16);
  assert.equal(info.reorderFrames, null);
});
