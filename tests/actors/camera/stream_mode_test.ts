import assert from "node:assert/strict";
import {
  createStreamMode,
  EncoderHold,
  PassthroughWish,
  setWatched,
} from "../../../actors/camera/stream_mode.ts";

Deno.test("the camera reads what the encoder reads: encode for viewers only while asked and someone watches", () => {
  const sab = createStreamMode();
  const wish = new PassthroughWish(sab);
  const hold = new EncoderHold(sab);
  assert.equal(wish.viewers, false);
  wish.viewers = true;
  assert.equal(wish.viewers, false, "asked, but nobody watches");
  setWatched(sab, true);
  assert.equal(wish.viewers, true);
  assert.equal(hold.viewers, true);
  setWatched(sab, false);
  assert.equal(wish.viewers, false);
  assert.equal(hold.viewers, false);
});
