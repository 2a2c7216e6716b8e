import assert from "node:assert/strict";
import { MAX_COMMAND_BYTES, parseCommand } from "../../../ui/mqtt/commands.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("parseCommand() reads the recording switch and the quality select of a camera", () => {
  assert.deepEqual(parseCommand("eyrie", "eyrie/front/recording/set", bytes("OFF")), {
    ok: true,
    command: { kind: "recording", camera: "front", on: false },
  });
  assert.deepEqual(parseCommand("home/eyrie", "home/eyrie/front/recording/set", bytes(" on\n")), {
    ok: true,
    command: { kind: "recording", camera: "front", on: true },
  });
  assert.deepEqual(parseCommand("eyrie", "eyrie/back/quality/set", bytes("HIGH")), {
    ok: true,
    command: { kind: "quality", camera: "back", preset: "high" },
  });
});

Deno.test("parseCommand() says why a message is no command", () => {
  const cases: [string, string, RegExp][] = [
    ["other/front/recording/set", "ON", /is not eyrie's/],
    ["eyrie/front/recording", "ON", /no command topic/],
    ["eyrie/front/zoom/set", "2", /no command topic/],
    ["eyrie/front/recording/set", "MAYBE", /ON or OFF/],
    ["eyrie/front/quality/set", "best", /low, medium, high, ultra/],
    ["eyrie/front/quality/set", "x".repeat(MAX_COMMAND_BYTES + 1), /is no command/],
  ];
  for (const [topic, payload, reason] of cases) {
    const r = parseCommand("eyrie", topic, bytes(payload));
    assert.equal(r.ok, false, topic);
    if (!r.ok) assert.match(r.reason, reason);
  }
});
