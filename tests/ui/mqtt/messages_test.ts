import assert from "node:assert/strict";
import type { StoredEvent } from "../../../actors/events/mod.ts";
import { eventMessage, Presence } from "../../../ui/mqtt/messages.ts";

const box = { x: 0.1, y: 0.2, w: 0.3, h: 0.4 };
const at = { atMs: 0, at: "2026-12-07T12:00:00.000Z", camera: "front" };

function ev(id: number, body: Record<string, unknown>, snapshot = true): StoredEvent {
  return { ...at, id, snapshot, ...body } as StoredEvent;
}

Deno.test("eventMessage() says what, where, how sure and the snapshot's URL, for starts and ends", () => {
  const start = eventMessage(
    ev(7, { type: "object", zone: "door", label: "person", classId: 0, score: 0.91, box }),
    "http://cam:8080",
  );
  assert.deepEqual(start, {
    id: 7,
    camera: "front",
    type: "object",
    at: "2026-12-07T12:00:00.000Z",
    snapshot_url: "http://cam:8080/api/events/7/snapshot.jpg",
    kind: "object",
    phase: "start",
    label: "person",
    score: 0.91,
    box,
    zone: "door",
    duration_ms: null,
  });
  const end = eventMessage(
    ev(8, {
      type: "object_end",
      zone: "door",
      label: "person",
      classId: 0,
      score: 0.93,
      box,
      durationMs: 4200,
    }, false),
    "http://cam:8080",
  );
  assert.equal(end.phase, "end");
  assert.equal(end.duration_ms, 4200);
  assert.equal(end.snapshot_url, null);
  const motion = eventMessage(
    ev(9, { type: "motion_end", zone: "all", box, durationMs: 1000, peakArea: 0.1 }),
    "http://cam:8080",
  );
  assert.deepEqual([motion.kind, motion.phase, motion.label], ["motion", "end", null]);
});

Deno.test("Presence: motion is on while any zone moves, a label while it is in any zone", () => {
  const p = new Presence();
  assert.deepEqual(p.apply(ev(1, { type: "motion_start", zone: "a", box, area: 0.1 })), {
    motion: true,
  });
  assert.equal(p.apply(ev(2, { type: "motion_start", zone: "b", box, area: 0.1 })), null);
  assert.equal(
    p.apply(ev(3, { type: "motion_end", zone: "a", box, durationMs: 1, peakArea: 0.1 })),
    null,
  );
  assert.deepEqual(
    p.apply(ev(4, { type: "motion_end", zone: "b", box, durationMs: 1, peakArea: 0.1 })),
    {
      motion: false,
    },
  );
  const person = { label: "person", classId: 0, score: 0.9, box };
  assert.deepEqual(p.apply(ev(5, { type: "object", zone: "a", ...person })), {
    label: "person",
    on: true,
  });
  assert.equal(p.apply(ev(6, { type: "object", zone: "b", ...person })), null);
  assert.equal(p.present("person"), true);
  assert.equal(p.apply(ev(7, { type: "object_end", zone: "a", ...person, durationMs: 5 })), null);
  assert.deepEqual(p.apply(ev(8, { type: "object_end", zone: "b", ...person, durationMs: 5 })), {
    label: "person",
    on: false,
  });
  assert.equal(
    p.apply(ev(9, { type: "global_change", meanShift: 40, changedFraction: 0.9 })),
    null,
  );
});
