// What RED + ULPFEC (docs/live.md, "Forward error correction") buys a
// Chromium viewer on a lossy link, and what it costs, in one run:
//
//   deno task bench fec [--seconds 30] [--delay 0,40]
//
// One eyrie (`[webrtc] fec = "auto"`), one test camera (videotestsrc snow,
// 640x360 at 20 fps, x264 at 1.2 Mb/s: every frame is new, 5–8 packets). One
// headless Chromium plays it twice at once, each session through its own UDP
// proxy (tests/actors/viewer/_lossy_proxy.ts) that loses 5 % of eyrie's RTP
// packets at random (seeded; resends are new draws) and delays each direction
// by `--delay` ms (and, in one more case at 0 ms, also loses one in ten
// frame-ending packets for good, every resend of them too: what only FEC
// can give back): one session offers RED/ULPFEC (eyrie turns FEC on from its
// loss reports), the other leaves them out of its offer (NACKs only, the
// anchor). After 8 s of warm-up, over `--seconds`, from Chromium's
// inbound-rtp stats: frames decoded (of those eyrie sent), freezes
// (freezeCount, totalFreezesDuration), NACKs sent (nackCount), packets lost
// for good (packetsLost), and the bitrate received; from eyrie: the FEC bytes
// sent. Each FEC figure is shown beside its anchor from the same run.

import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../tests/_chromium.ts";
import { getJson, startEyrie, tempConfig, until } from "../tests/faults/_faults.ts";
import { viewerReady } from "../tests/ui/http/_whep.ts";
import { connect, inbound, WHEP_PAGE } from "../tests/actors/viewer/_whep_page.ts";
import { LossyUdpProxy } from "../tests/actors/viewer/_lossy_proxy.ts";

const opt = (name: string, d: string) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : d;
};
const SECONDS = Number(opt("seconds", "30"));
const DELAYS = opt("delay", "0,40").split(",").map(Number);
const LOSS = 0.05;
const WARMUP_MS = 8_000;

interface Session {
  id: string;
  fractionLost: number;
  framesSent: number;
  fecProtection: number;
  fecBytesSent: number;
}

interface Reading {
  sent: number;
  fecBytes: number;
  decoded: number;
  freezes: number;
  freezeS: number;
  nacks: number;
  lost: number;
  bytes: number;
  atMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(delayMs: number, markersLostForGood: number) {
  await using cfg = await tempConfig(
    `[console]\nlisten = "127.0.0.1:0"\n[recording]\nenabled = false\n` +
      `[detection]\nmotion = false\n[webrtc]\nfec = "auto"\n` +
      `[[camera]]\nid = "yard"\nsource = "test"\npattern = "snow"\nwidth = 640\nheight = 360\n` +
      `fps = 20\nbitrate_kbps = 1200\nmin_bitrate_kbps = 1200\n`,
  );
  const eyrie = await startEyrie(cfg.file);
  const profile = await Deno.makeTempDir({ prefix: "fec-bench-" });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_FLAGS,
  });
  const proxies = new Map<string, LossyUdpProxy>();
  try {
    await viewerReady(eyrie.url, "yard");
    const page = await browser.newPage();
    await page.route(
      `${eyrie.url}/whep-page`,
      (r) => r.fulfill({ contentType: "text/html", body: WHEP_PAGE }),
    );
    await page.goto(`${eyrie.url}/whep-page`);
    await page.exposeFunction("makeProxy", (port: number, name: string) => {
      const p = new LossyUdpProxy({ loss: LOSS, delayMs, markersLostForGood, seed: 0x5eed });
      proxies.set(name, p);
      return p.start(port);
    });
    const ids = new Map<string, string>();
    for (const [name, noFec] of [["fec", false], ["nack", true]] as const) {
      const location = await connect(page, name, `${eyrie.url}/api/cameras/yard/whep`, true, noFec);
      ids.set(name, location.split("/").pop()!);
    }
    const sessions = async () => {
      const c = await getJson<{ stats: { viewer?: { sessions: Session[] } } }>(
        `${eyrie.url}/api/cameras/yard`,
      );
      return c.stats.viewer?.sessions ?? [];
    };
    const read = async (name: string): Promise<Reading> => {
      const s = (await sessions()).find((x) => x.id === ids.get(name))!;
      const i = (await inbound(page, name))!;
      return {
        sent: s.framesSent,
        fecBytes: s.fecBytesSent,
        decoded: i.framesDecoded,
        freezes: i.freezeCount,
        freezeS: i.totalFreezesDuration,
        nacks: i.nackCount,
        lost: i.packetsLost,
        bytes: i.bytesReceived,
        atMs: performance.now(),
      };
    };
    await until("both sessions decoding", async () => {
      const a = await inbound(page, "fec");
      const b = await inbound(page, "nack");
      return (a?.framesDecoded ?? 0) > 0 && (b?.framesDecoded ?? 0) > 0 ? true : undefined;
    }, 30_000);
    await sleep(WARMUP_MS);
    const start = { fec: await read("fec"), nack: await read("nack") };
    // The loss each session's receiver reports say (what FEC's policy reads), sampled each second.
    const reported = { fec: [] as number[], nack: [] as number[] };
    for (let i = 0; i < SECONDS; i++) {
      await sleep(1000);
      for (const s of await sessions()) {
        reported[s.id === ids.get("fec") ? "fec" : "nack"].push(s.fractionLost);
      }
    }
    const end = { fec: await read("fec"), nack: await read("nack") };
    const protection = (await sessions()).find((x) => x.id === ids.get("fec"))!.fecProtection;
    const delta = (name: "fec" | "nack") => {
      const a = start[name];
      const b = end[name];
      const s = (b.atMs - a.atMs) / 1000;
      return {
        sent: b.sent - a.sent,
        decoded: b.decoded - a.decoded,
        freezes: b.freezes - a.freezes,
        freezeS: b.freezeS - a.freezeS,
        nacks: b.nacks - a.nacks,
        lost: b.lost - a.lost,
        kbps: ((b.bytes - a.bytes) * 8) / s / 1000,
        fecKbps: ((b.fecBytes - a.fecBytes) * 8) / s / 1000,
        reportedLoss: reported[name].reduce((x, y) => x + y, 0) / reported[name].length,
      };
    };
    return {
      fec: delta("fec"),
      nack: delta("nack"),
      protection,
      dropped: [...proxies.values()].map((p) => `${p.dropped}/${p.rtp}`),
    };
  } finally {
    for (const p of proxies.values()) p.close();
    await browser.close().catch(() => {});
    await Deno.remove(profile, { recursive: true });
    await eyrie.stop("SIGTERM");
  }
}

const f1 = (x: number) => x.toFixed(1);
console.log(
  `5 % random loss on eyrie's RTP, ${SECONDS} s after ${WARMUP_MS / 1000} s warm-up; ` +
    `snow 640x360@20, 1.2 Mb/s; two sessions at once, FEC (auto) and NACK only.\n`,
);
console.log(
  "| link | session | frames decoded / sent | freezes | freeze time | NACKs sent | " +
    "packets lost | received kb/s | FEC kb/s | RR loss (mean) |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
const CASES: [number, number][] = [...DELAYS.map((d): [number, number] => [d, 0]), [0, 0.1]];
for (const [delay, forGood] of CASES) {
  const r = await run(delay, forGood);
  const link = `${delay} ms${forGood > 0 ? ", 1 in 10 frame ends lost for good" : ""}`;
  for (const [name, d] of [["NACK only", r.nack], ["RED+ULPFEC", r.fec]] as const) {
    console.log(
      `| ${link} | ${name} | ${d.decoded} / ${d.sent} | ${d.freezes} | ${f1(d.freezeS)} s | ` +
        `${d.nacks} | ${d.lost} | ${Math.round(d.kbps)} | ${Math.round(d.fecKbps)} | ` +
        `${(100 * d.reportedLoss).toFixed(1)} % |`,
    );
  }
  console.log(
    `|  | FEC / NACK | ${(r.fec.decoded / Math.max(1, r.nack.decoded)).toFixed(2)}× | ` +
      `${r.fec.freezes} vs ${r.nack.freezes} | | ${
        (r.fec.nacks / Math.max(1, r.nack.nacks)).toFixed(2)
      }× | | ` +
      `${(r.fec.kbps / Math.max(1, r.nack.kbps)).toFixed(2)}× | protection ${
        r.protection.toFixed(2)
      } | |`,
  );
  console.error(`${link}: proxies dropped ${r.dropped.join(", ")}`);
}
