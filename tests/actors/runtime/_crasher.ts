/** The test actor: does what its init and casts say, including every way of dying. */
import { runActor } from "../../../actors/runtime/mod.ts";
import { INJECTED_HANG_MS } from "../../../actors/runtime/_runner.ts";
import type { CrasherProtocol } from "./_crasher_protocol.ts";

runActor<CrasherProtocol>(() => {
  let id = "";
  let stopMode = "ok";
  return {
    async start(init, ctx) {
      id = ctx.id;
      stopMode = init.stopMode;
      if (init.startMode === "throw") throw new RangeError(`${init.tag} refuses to start`);
      if (init.startMode === "hang") await new Promise(() => {});
      ctx.log.info("started", { tag: init.tag });
      ctx.emit({ type: "hello", id });
      self.addEventListener("message", (e: MessageEvent) => {
        const m = e.data as { type: string; msg?: { type: string; how?: string } };
        if (m.type !== "cast" || m.msg?.type !== "crash") return;
        switch (m.msg.how) {
          case "throw":
            setTimeout(() => {
              throw new Error(`${init.tag} crashed on demand`);
            });
            return;
          case "reject":
            Promise.reject(new Error(`${init.tag} rejected on demand`));
            return;
          case "close":
            // Ends the Worker without a word: only the heartbeat notices.
            self.close();
            return;
          case "ctx":
            setTimeout(() => ctx.crash(new Error(`${init.tag} called crash()`)));
            return;
          case "exit":
            ctx.exit();
            return;
          case "block":
            // The Worker answers nothing more, for longer than any heartbeat waits. Bounded, and
            // not a busy loop: Deno cannot end a Worker whose thread never returns, so a spin would
            // burn a core for the rest of the test run (it did: the suite ran 15-19 min instead of 8).
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, INJECTED_HANG_MS);
            return;
        }
      });
    },
    async stop() {
      if (stopMode === "hang") await new Promise(() => {});
    },
    cast() {
      // Crashes are handled by the listener above, outside the actor's own dispatch.
    },
    calls: {
      echo: (args) => Promise.resolve({ text: args.text, id }),
      fail: (args) => Promise.reject(new TypeError(args.message)),
      slow: (args) => new Promise((resolve) => setTimeout(() => resolve({ ms: args.ms }), args.ms)),
    },
  };
});
