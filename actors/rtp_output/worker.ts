/**
 * The RTP output actor: reads the camera's RTP ring and sends every packet
 * to one `[[camera.rtp]]` destination over UDP, with RTCP sender reports on
 * port + 1 and receivers' reports and keyframe requests read back. The
 * sending is {@linkcode RingSender}'s: a destination that refuses the
 * packets or cannot be reached is a state, never a crash. A camera with
 * sound gets a second sender for its audio RTP ring (Opus, RFC 7587) to
 * port + 2, RTCP on port + 3, its own link and stats (`rtp[N].audio`),
 * started at the first audio packet.
 *
 * @module
 */
import { runActor } from "../runtime/worker.ts";
import type { RtpOutputProtocol } from "./protocol.ts";
import { RingSender } from "./ring_sender.ts";
import { RingReader } from "../ring/mod.ts";
import { AUDIO_PORT_OFFSET } from "./protocol.ts";
import { OPUS_CLOCK_RATE } from "../../transports/rtp/opus/packetize.ts";

runActor<RtpOutputProtocol>(() => {
  let sender: RingSender | null = null;
  let audio: RingSender | null = null;
  let running = true;
  let waiting: Promise<void> = Promise.resolve();
  return {
    start(init, ctx) {
      sender = new RingSender({
        cameraId: init.cameraId,
        output: init.output,
        config: init.config,
        rtp: init.rtp,
        reader: init.reader,
        ssrc: init.ssrc,
        log: ctx.log,
        emit: (e) => ctx.emit(e),
        fields: { output: init.output },
      });
      sender.start((error) => ctx.crash(error));
      const a = init.audio;
      if (a === null) return;
      // The sound's destination is opened at the first packet: a camera that turns out to have
      // none (audio = "auto" on a stream without a track) has no second link to report on.
      waiting = (async () => {
        const first = new RingReader(a.rtp, a.reader, { start: "latest" });
        try {
          while (running && (await first.wait(200)) !== "ready") continue;
        } finally {
          first.close();
        }
        if (!running) return;
        // The sound beside the video, as RFC 3551 pairs go: RTP on port + 2, RTCP on port + 3.
        const config = { ...init.config, port: init.config.port + AUDIO_PORT_OFFSET };
        audio = new RingSender({
          cameraId: init.cameraId,
          output: init.output,
          config,
          rtp: a.rtp,
          reader: a.reader,
          ssrc: a.ssrc,
          log: ctx.log,
          // An Opus packet is a whole frame: nothing to ask the encoder for.
          emit: (e) => e.type === "stats" && ctx.emit({ type: "audio_stats", stats: e.stats }),
          fields: { output: init.output, media: "audio" },
          what: (c) => `rtp output ${init.output} audio to ${c.host}:${c.port}`,
          clockRate: OPUS_CLOCK_RATE,
        });
        audio.start((error) => ctx.crash(error));
      })();
      waiting.catch((error) => ctx.crash(error));
    },
    async stop() {
      running = false;
      await waiting.catch(() => {});
      await Promise.all([sender?.stop(), audio?.stop()]);
    },
    cast(msg) {
      switch (msg.type) {
        case "report":
          sender?.report();
          audio?.report();
          return;
      }
    },
    calls: {},
  };
});
