/** A test actor that can share a Worker: every way of dying comes through its own cast. */
import { runActor } from "../../../actors/runtime/mod.ts";
import { INJECTED_HANG_MS } from "../../../actors/runtime/_runner.ts";
import type { TenantProtocol } from "./_tenant_protocol.ts";

/** The tenants' timers still running in this Worker (module scope: shared by its tenants). */
const timers = new Set<ReturnType<typeof setInterval>>();

runActor<TenantProtocol>(() => {
  let id = "";
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopMode = "ok";
  let ctxCrash: (e: unknown) => never = () => {
    throw new Error("not started");
  };
  let exit = () => {};
  return {
    start(init, ctx) {
      id = ctx.id;
      stopMode = init.stopMode;
      ctxCrash = ctx.crash;
      exit = ctx.exit;
      if (init.startMode === "throw") throw new RangeError(`${id} refuses to start`);
      const t = setInterval(() => {}, 1000);
      timers.add(t);
      timer = t;
      ctx.emit({ type: "hello", id });
    },
    async stop() {
      if (stopMode === "hang") await new Promise(() => {});
      clearInterval(timer);
      if (timer !== undefined) timers.delete(timer);
    },
    cast(msg) {
      switch (msg.how) {
        case "throw":
          // Thrown from a timer: nobody in particular can be blamed.
          setTimeout(() => {
            throw new Error(`${id} crashed on demand`);
          });
          return;
        case "reject":
          Promise.reject(new Error(`${id} rejected on demand`));
          return;
        case "ctx":
          setTimeout(() => ctxCrash(new Error(`${id} called crash()`)));
          return;
        case "exit":
          exit();
          return;
        case "block":
          // The Worker answers nothing more, for longer than any heartbeat waits. Bounded, and
          // not a busy loop: Deno cannot end a Worker whose thread never returns, so a spin would
          // burn a core for the rest of the test run (it did: the suite ran 15-19 min instead of 8).
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, INJECTED_HANG_MS);
          return;
        case "close":
          self.close();
          return;
      }
    },
    calls: {
      echo: (args) => Promise.resolve({ text: args.text, id }),
      timers: () => Promise.resolve(timers.size),
    },
  };
});
