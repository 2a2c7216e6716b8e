// A camera's RTP, made by eyrie's own camera, encoder and packetizer actors in this process,
// sent as plain RTP/UDP to a port on 127.0.0.1 (Janus's mountpoint in bench/webrtc_bench.ts).

import { Buffer } from "node:buffer";
import dgram from "node:dgram";
import { RingReader } from "../actors/ring/mod.ts";
import { cameraChild } from "../actors/camera/spec.ts";
import { encoderChild } from "../actors/encoder/spec.ts";
import { packetizerChild } from "../actors/packetizer/spec.ts";
import { cameraConfig, startTree } from "../tests/actors/_camera_tree.ts";

export async function forwardRtp(
  camera: Record<string, unknown>,
  options: { port: number },
): Promise<{ stop(): Promise<void> }> {
  const tree = await startTree(cameraConfig(camera), [cameraChild, encoderChild, packetizerChild]);
  const socket = dgram.createSocket("udp4");
  let running = true;
  const loop = (async () => {
    const reader = new RingReader(tree.node.rings.rtp, 0, { start: "keyframe" });
    const packet = Buffer.alloc(2048);
    try {
      while (running) {
        if ((await reader.wait(100)) !== "ready") continue;
        while (reader.next()) {
          const n = reader.copyTo(packet);
          // A copy per packet: node:dgram sends later, and `packet` is reused at once.
          if (n > 0) socket.send(Buffer.from(packet.subarray(0, n)), options.port, "127.0.0.1");
        }
      }
    } finally {
      reader.close();
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      socket.close();
      await tree[Symbol.asyncDispose]();
    },
  };
}
