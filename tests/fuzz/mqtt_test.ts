/**
 * Fuzzing what anyone who can publish on the broker controls: the topic and
 * payload of a message on eyrie's command topics. parseCommand() never
 * throws, and gives a command only for a camera level, a known command and
 * a payload it names.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { MAX_COMMAND_BYTES, parseCommand } from "../../ui/mqtt/commands.ts";
import { hostileBytes } from "./_bytes.ts";
import { fuzz } from "./_runs.ts";

const enc = new TextEncoder();
const SEEDS = ["ON", "OFF", "on", "low", "medium", "high", "ultra", " ultra\n"].map((s) =>
  enc.encode(s)
);
const topic = fc.oneof(
  fc.constantFrom("eyrie/front/recording/set", "eyrie/front/quality/set", "eyrie/+/quality/set"),
  fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom("recording", "quality", "zoom", ""))
    .map(([camera, what]) => `eyrie/${camera}/${what}/set`),
  fc.string({ maxLength: 80 }),
);

Deno.test("fuzz: any topic and payload: parseCommand() never throws and commands only what it names", () => {
  fuzz("mqtt command", fc.tuple(topic, hostileBytes(SEEDS, 64)), ([t, payload]) => {
    const r = parseCommand("eyrie", t, payload);
    if (!r.ok) {
      assert.ok(r.reason.length > 0);
      return;
    }
    assert.ok(payload.length <= MAX_COMMAND_BYTES);
    assert.equal(t, `eyrie/${r.command.camera}/${r.command.kind}/set`);
    const text = new TextDecoder().decode(payload).trim().toLowerCase();
    if (r.command.kind === "recording") assert.equal(text, r.command.on ? "on" : "off");
    else assert.equal(text, r.command.preset);
  }, 20_000);
});
