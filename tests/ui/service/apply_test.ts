import assert from "node:assert/strict";
import { applyStep } from "../../../ui/service/apply.ts";
import { describeStep } from "../../../ui/service/steps.ts";

async function gid(group: string): Promise<number> {
  const out = await new Deno.Command("getent", { args: ["group", group], stdout: "piped" })
    .output();
  return Number(new TextDecoder().decode(out.stdout).split(":")[2]);
}

Deno.test("service steps write files atomically with their mode and group, make dirs, and report failed commands", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-steps-" });
  try {
    const said: string[] = [];
    const say = (l: string) => said.push(l);
    const file = `${dir}/etc/eyrie.toml`;
    await applyStep({ kind: "mkdir", path: `${dir}/etc`, owner: "root", mode: 0o750 }, say);
    assert.equal((await Deno.stat(`${dir}/etc`)).mode! & 0o777, 0o750);
    const write = {
      kind: "write",
      path: file,
      text: "x = 1\n",
      mode: 0o640,
      group: "video",
      what: "a config",
    } as const;
    await applyStep(write, say);
    const st = await Deno.stat(file);
    assert.equal(await Deno.readTextFile(file), "x = 1\n");
    assert.equal(st.mode! & 0o777, 0o640);
    if (Deno.uid() === 0) assert.equal(st.gid, await gid("video"));
    assert.deepEqual([...Deno.readDirSync(`${dir}/etc`)].map((e) => e.name), ["eyrie.toml"]);
    assert.match(
      describeStep(write),
      /^would write .*eyrie\.toml \(a config, mode 0640, group video\):\n--- /,
    );

    await applyStep({ kind: "remove", path: file }, say);
    await applyStep({ kind: "remove", path: file }, say); // already gone: nothing to do
    await assert.rejects(
      () => applyStep({ kind: "run", argv: ["false"], why: "test" }, say),
      /^Error: false failed \(exit 1\)$/,
    );
    await assert.rejects(
      () => applyStep({ kind: "run", argv: ["/nonexistent/tool"], why: "test" }, say),
      /cannot run \/nonexistent\/tool/,
    );
    assert.deepEqual(said, [`created ${dir}/etc`, `wrote ${file}`, `removed ${file}`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
