/**
 * `GET /api/cameras/:id/sdp[?output=N]`: the SDP file (RFC 4566) of a
 * camera's `[[camera.rtp]]` output, for ffplay, VLC or GStreamer's sdpdemux.
 * H.264 carries the stream's SPS/PPS, known once the first keyframe passed.
 *
 * @module
 */
import { Hono } from "hono";
import type { System } from "../../actors/system/mod.ts";
import { streamSdp } from "../../actors/packetizer/sdp.ts";
import { resolveHost } from "../../actors/rtp_output/resolve.ts";
import { sendsAudio } from "../../actors/rtp_output/spec.ts";

export function sdpRoutes(system: System): Hono {
  return new Hono().get("/:id/sdp", async (c) => {
    const id = c.req.param("id");
    const node = system.cameras.get(id);
    if (node === undefined) return c.json({ error: `No camera "${id}"` }, 404);
    const outputs = node.config.rtp;
    if (outputs.length === 0) {
      return c.json({ error: `Camera "${id}" has no [[camera.rtp]] output` }, 404);
    }
    const query = c.req.query("output") ?? "0";
    if (!/^\d{1,3}$/.test(query)) {
      return c.json({
        error: `output must be an output number from 0 to ${outputs.length - 1}, got "${query}"`,
      }, 400);
    }
    const n = Number(query);
    if (n >= outputs.length) {
      const range = outputs.length === 1 ? "0" : `0 to ${outputs.length - 1}`;
      return c.json({
        error: `Camera "${id}" has ${outputs.length} RTP output${
          outputs.length === 1 ? "" : "s"
        } (output=${range}), not ${n}`,
      }, 404);
    }
    const output = outputs[n];
    let address: string;
    try {
      address = (await resolveHost(output.host)).address;
    } catch (error) {
      return c.json({ error: (error as Error).message }, 502);
    }
    const h264 = node.config.codec === "h264";
    const parameters = node.streamParameters;
    if (h264 && parameters === undefined) {
      c.header("Retry-After", "1");
      return c.json({
        error: `Camera "${id}" has not sent a keyframe yet, so its SPS/PPS are unknown; retry`,
      }, 503);
    }
    const sdp = streamSdp({
      cameraId: id,
      codec: node.config.codec,
      fps: node.config.fps,
      ssrc: node.rtp.ssrc,
      parameters,
      // The sound's section when this output sends it (port + 2) and the camera has some.
      audio: sendsAudio(node.config, n) && node.audio?.state.state !== "none",
    }, { address, port: output.port, ttl: output.ttl });
    return c.body(sdp, 200, {
      "Content-Type": "application/sdp",
      "Content-Disposition": `inline; filename="${id}-${n}.sdp"`,
    });
  });
}
