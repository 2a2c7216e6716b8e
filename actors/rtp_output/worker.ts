/**
 * The RTP output actor: reads the camera's RTP ring and sends every packet
 * to one `[[camera.rtp]]` destination over UDP, with RTCP sender reports on
 * port + 1 and receivers' reports and keyframe requests read back. The
 * sending is {@linkcode RingSender}'s: a destination that refuses the
 * packets or cannot be reached is a state, never a crash.
 *
 * @module
 */
import { runActor } from "../runtime/worker.ts";
import type { RtpOutputProtocol } from "./protocol.ts";
import { RingSender } from "./ring_sender.ts";

runActor<RtpOutputProtocol>(() => {
  let sender: RingSender | null = null;
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
    },
    async stop() {
      await sender?.stop();
    },
    cast(msg) {
      switch (msg.type) {
        case "report":
          sender?.report();
          return;
      }
    },
    calls: {},
  };
});
