/**
 * The publisher actor (`[[camera.publish]] kind = "janus"`): keeps the
 * camera's mountpoint in Janus's streaming plugin ({@linkcode JanusMountpoint},
 * a link: created, checked, created again when Janus lost it) and sends the
 * camera's RTP ring to the port Janus gave it ({@linkcode RingSender}, the
 * same sending as `[[camera.rtp]]`). When it stops, the mountpoint is
 * removed. Janus away is a state with its cause; nothing crashes.
 *
 * @module
 */
import { linkStatus, type RtpOutputConfig } from "../defs.ts";
import type { LinkNote } from "../supervisor/link.ts";
import { runActor } from "../runtime/worker.ts";
import { RingSender } from "../rtp_output/ring_sender.ts";
import type { RtpOutputStats } from "../rtp_output/protocol.ts";
import { JanusApi } from "./janus_api.ts";
import { JanusMountpoint } from "./mountpoint.ts";
import type { PublishProtocol, PublishStats } from "./protocol.ts";

const STATS_EVERY_MS = 1000;
/** On stop, removing the mountpoint may take this long; past it eyrie goes anyway. */
const REMOVE_TIMEOUT_MS = 2000;

runActor<PublishProtocol>(() => {
  let running = true;
  let sender: RingSender | null = null;
  let mount: JanusMountpoint | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let stepping: Promise<void> = Promise.resolve();
  let report = () => {};
  return {
    start(init, ctx) {
      const cfg = init.config;
      const fields = { publish: init.index, mountpoint: init.mountpoint };
      const note = (n: LinkNote | null) => {
        if (n !== null) ctx.log[n.level](n.message, { ...fields, ...n.fields });
      };
      const host = cfg.rtp_host !== ""
        ? cfg.rtp_host
        : new URL(cfg.url).hostname.replace(/^\[(.*)\]$/, "$1");
      let rtp: RtpOutputStats | null = null;
      sender = new RingSender({
        cameraId: init.cameraId,
        output: init.index,
        config: null,
        rtp: init.rtp,
        reader: init.reader,
        ssrc: init.ssrc,
        log: ctx.log,
        emit: (e) => {
          if (e.type === "keyframe") ctx.emit({ type: "keyframe" });
          else rtp = e.stats;
        },
        fields,
        what: (c) => `janus mountpoint ${init.mountpoint} rtp to ${c.host}:${c.port}`,
      });
      sender.start((error) => ctx.crash(error));
      const m = mount = new JanusMountpoint({
        api: new JanusApi(cfg.url, { apiSecret: cfg.api_secret }),
        id: init.mountpoint,
        adminKey: cfg.admin_key,
        description: init.description,
        fmtp: init.fmtp,
        what: `janus ${cfg.url} mountpoint ${init.mountpoint}`,
      });
      const s = sender;
      const step = () => {
        stepping = (async () => {
          const r = await m.step();
          note(r.note);
          if (!running) return;
          const target: RtpOutputConfig | null = r.port === null ? null : {
            host,
            port: r.port,
            dscp: 0,
            ttl: 1,
            mtu: 1400,
            multicast_interface: "",
          };
          s.retarget(target);
          timer = setTimeout(step, r.delayMs);
        })();
      };
      report = () => {
        s.report();
        const stats: PublishStats = {
          ...linkStatus(m.link.state),
          kind: cfg.kind,
          url: cfg.url,
          mountpoint: init.mountpoint,
          port: m.port,
          viewers: m.viewers,
          creates: m.creates,
          outages: m.link.outages,
          rtp,
        };
        ctx.emit({ type: "stats", stats });
      };
      ticker = setInterval(() => report(), STATS_EVERY_MS);
      step();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      clearInterval(ticker);
      await stepping.catch(() => {});
      await sender?.stop();
      // Janus keeps a mountpoint until told: an eyrie that stops takes its own away.
      if (mount !== null) {
        await Promise.race([mount.remove(), new Promise((r) => setTimeout(r, REMOVE_TIMEOUT_MS))]);
      }
      report();
    },
    cast(msg) {
      switch (msg.type) {
        case "report":
          report();
          return;
      }
    },
    calls: {},
  };
});
