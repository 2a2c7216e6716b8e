/**
 * Fault: the byte movers of two cameras (packetizer, recorder, detector) run
 * in one `io` Worker for the whole process (actors/system/placement.ts). An
 * actor of one camera that throws restarts alone, and the other camera's
 * actors in the same Worker keep running; when the shared Worker hangs, the
 * heartbeat finds it and every actor it hosted restarts, of both cameras,
 * while neither camera's capture and encoding (the `media` Worker of each)
 * is touched. Both cameras packetize again afterwards.
 */
import assert from "node:assert/strict";
import { System } from "../../actors/system/mod.ts";
import { ActorProcess } from "../../actors/runtime/mod.ts";
import { ringStats } from "../../actors/ring/mod.ts";
import type { Child, SupervisorEvent } from "../../actors/supervisor/mod.ts";
import { parseConfig } from "../../ui/config/mod.ts";
import { camera, until } from "./_faults.ts";

/** The actor at `path` ("a/encoder", "a/outputs/live/packetizer"), if it is running. */
// deno-lint-ignore no-explicit-any
function actorAt(system: System, path: string): ActorProcess<any> | undefined {
  const [cam, ...rest] = path.split("/");
  let node: Child | undefined = system.root!.child(cam);
  for (const part of rest) {
    node = (node as { child?: (id: string) => Child | undefined })?.child?.(part);
  }
  return node instanceof ActorProcess && node.exit === undefined ? node : undefined;
}

const IO_ACTORS = ["outputs/recorder", "outputs/live/packetizer", "outputs/detector"];
const MEDIA_ACTORS = ["camera", "encoder"];

Deno.test("two cameras share one io Worker: a throw restarts one actor, a hang restarts the io actors of both cameras and never their capture", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "eyrie-shared-io-" });
  const config = parseConfig(
    `data_dir = "${dataDir}"\n[recording]\nsegment_s = 600\n[detection]\nmotion = true\n` +
      camera("a", "test", `encoder = "x264"\n`) + "\n" + camera("b", "test", `encoder = "x264"\n`),
    "",
  );
  const system = await System.start({ config, log: () => {} });
  const events: SupervisorEvent[] = [];
  system.events.subscribe((e) => events.push(e));
  const rtpWritten = (id: string) => ringStats(system.cameras.get(id)!.rings.rtp).written;
  const running = (path: string) => until(`${path} running`, () => actorAt(system, path));
  const startsOf = (cam: string, child: string) =>
    events.filter((e) =>
      e.type === "child_started" && e.supervisor.startsWith(cam) && e.child === child
    ).length;
  try {
    const all = [
      ...IO_ACTORS.flatMap((p) => [`a/${p}`, `b/${p}`]),
      ...MEDIA_ACTORS.flatMap((p) => [`a/${p}`, `b/${p}`]),
    ];
    for (const p of all) await running(p);
    const io = actorAt(system, "a/outputs/recorder")!.host!;
    assert.ok(io !== undefined, "the recorder runs in a shared Worker");
    for (const p of IO_ACTORS) {
      assert.equal(actorAt(system, `a/${p}`)!.host, io, `a/${p} is in the io Worker`);
      assert.equal(actorAt(system, `b/${p}`)!.host, io, `b/${p} is in the same io Worker`);
    }
    assert.notEqual(actorAt(system, "a/encoder")!.host, actorAt(system, "b/encoder")!.host);
    assert.notEqual(actorAt(system, "a/encoder")!.host, io);
    await until(
      "RTP from both cameras",
      () => rtpWritten("a") > 10 && rtpWritten("b") > 10 ? true : undefined,
    );
    const media = new Map(
      MEDIA_ACTORS.flatMap((p) => [`a/${p}`, `b/${p}`]).map((p) => [p, actorAt(system, p)!]),
    );

    // 1. Camera a's packetizer throws: it restarts alone; b's actors are the same instances.
    const bBefore = new Map(IO_ACTORS.map((p) => [p, actorAt(system, `b/${p}`)!]));
    const aRecorder = actorAt(system, "a/outputs/recorder")!;
    const packetizerStarts = startsOf("a", "packetizer");
    actorAt(system, "a/outputs/live/packetizer")!.injectFault("throw");
    await until(
      "a's packetizer restarted",
      () => startsOf("a", "packetizer") > packetizerStarts ? true : undefined,
    );
    await running("a/outputs/live/packetizer");
    for (const [p, actor] of bBefore) {
      assert.equal(actorAt(system, `b/${p}`), actor, `b/${p} did not restart`);
    }
    assert.equal(actorAt(system, "a/outputs/recorder"), aRecorder, "a's recorder did not restart");
    assert.ok(io.alive, "the io Worker runs on");
    const a1 = rtpWritten("a");
    await until("a packetizing again", () => rtpWritten("a") > a1 + 10 ? true : undefined);

    // 2. The shared Worker hangs (a's recorder blocks its thread): the heartbeat finds it within
    // 10 s and every actor it hosted, of both cameras, restarts in a fresh io Worker.
    const ioBefore = new Map(
      IO_ACTORS.flatMap((p) => [`a/${p}`, `b/${p}`]).map((p) => [p, actorAt(system, p)!]),
    );
    actorAt(system, "a/outputs/recorder")!.injectFault("hang");
    for (const [p, actor] of ioBefore) {
      await until(`${p} restarted after the hang`, () => {
        const now = actorAt(system, p);
        return now !== undefined && now !== actor ? true : undefined;
      }, 40_000);
    }
    assert.ok(!io.alive, "the hung Worker was terminated");
    const fresh = actorAt(system, "b/outputs/recorder")!.host!;
    assert.notEqual(fresh, io);
    for (const p of IO_ACTORS) {
      assert.equal(actorAt(system, `a/${p}`)!.host, fresh, `a/${p} is in the new io Worker`);
      assert.equal(actorAt(system, `b/${p}`)!.host, fresh, `b/${p} is in the new io Worker`);
    }
    // Capture and encoding never stopped: the same camera and encoder instances, no restart.
    for (const [p, actor] of media) assert.equal(actorAt(system, p), actor, `${p} did not restart`);
    const restarted = events.filter((e) => e.type === "restarting").flatMap((e) =>
      e.type === "restarting" ? e.children : []
    );
    for (const c of MEDIA_ACTORS) assert.ok(!restarted.includes(c), `${c} was not restarted`);
    const [a2, b2] = [rtpWritten("a"), rtpWritten("b")];
    await until(
      "both packetizing again",
      () => rtpWritten("a") > a2 + 10 && rtpWritten("b") > b2 + 10 ? true : undefined,
    );
  } finally {
    await system.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
