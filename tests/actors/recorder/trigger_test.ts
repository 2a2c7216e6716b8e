import assert from "node:assert/strict";
import {
  IDLE,
  postRollNs,
  stepTrigger,
  type TriggerAction,
  type TriggerInput,
  type TriggerState,
  wantsRecording,
} from "../../../actors/recorder/mod.ts";

const S = 1e9;
const OPTS = { postRollNs: postRollNs(10) };

function run(inputs: TriggerInput[]): { actions: TriggerAction[]; state: TriggerState } {
  let state = IDLE;
  const actions: TriggerAction[] = [];
  for (const input of inputs) {
    const step = stepTrigger(state, input, OPTS);
    state = step.state;
    actions.push(step.action);
  }
  return { actions, state };
}

Deno.test("an event starts a recording that stops post-roll after it", () => {
  const { actions, state } = run([
    { kind: "tick", nowNs: 1 * S },
    { kind: "event", atNs: 5 * S },
    { kind: "tick", nowNs: 14.9 * S },
    { kind: "tick", nowNs: 15 * S },
    { kind: "tick", nowNs: 16 * S },
  ]);
  assert.deepEqual(actions, ["none", "start", "none", "stop", "none"]);
  assert.deepEqual(state, IDLE);
});

Deno.test("overlapping events extend one recording to post-roll after the last", () => {
  const { actions, state } = run([
    { kind: "event", atNs: 5 * S },
    { kind: "event", atNs: 12 * S },
    { kind: "tick", nowNs: 16 * S },
    { kind: "event", atNs: 8 * S }, // late: does not shorten
    { kind: "tick", nowNs: 21.9 * S },
  ]);
  assert.deepEqual(actions, ["start", "none", "none", "none", "none"]);
  assert.deepEqual(state, { kind: "recording", sinceNs: 5 * S, untilNs: 22 * S, events: 3 });
  assert.equal(stepTrigger(state, { kind: "tick", nowNs: 22 * S }, OPTS).action, "stop");
});

Deno.test("an event after a stop starts a new recording", () => {
  const { actions } = run([
    { kind: "event", atNs: 0 },
    { kind: "tick", nowNs: 10 * S },
    { kind: "event", atNs: 11 * S },
  ]);
  assert.deepEqual(actions, ["start", "stop", "start"]);
});

Deno.test("postRollNs() refuses post-rolls out of range", () => {
  assert.equal(postRollNs(0), 0);
  assert.throws(() => postRollNs(-1), { name: "RangeError", message: /-1 s/ });
  assert.throws(() => postRollNs(NaN), RangeError);
  assert.throws(() => postRollNs(3601), RangeError);
});

Deno.test("wantsRecording() combines the mode, the schedule and the trigger", () => {
  const rec: TriggerState = { kind: "recording", sinceNs: 0, untilNs: 1, events: 1 };
  const cases: [Parameters<typeof wantsRecording>[0], boolean | null, TriggerState, boolean][] = [
    ["continuous", null, IDLE, true],
    ["continuous", false, IDLE, true],
    ["scheduled", true, IDLE, true],
    ["scheduled", false, rec, false],
    ["scheduled", null, IDLE, false],
    ["events", null, IDLE, false],
    ["events", null, rec, true],
    ["events", true, rec, true],
    ["events", false, rec, false],
  ];
  for (const [mode, inSchedule, trigger, expected] of cases) {
    assert.equal(
      wantsRecording(mode, { inSchedule, trigger }),
      expected,
      `${mode} ${inSchedule} ${trigger.kind}`,
    );
  }
});
