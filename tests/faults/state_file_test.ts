/**
 * eyrie.db damaged under a real `eyrie run`: cut in half, a garbage
 * header, emptied (as a power cut leaves a file on ext4), and a directory
 * in its place (unreadable; as root, permissions do not stop a read, so
 * this stands for "cannot be opened"). What must hold each time: eyrie
 * starts and keeps recording; the log names the file and what was wrong; a
 * corrupt file is moved aside and the recording index rebuilt from the
 * files on disk; an unreadable one is left alone; a console that had users
 * never opens without them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { reconcile, RecordingIndex, segmentPath } from "../../actors/recorder/mod.ts";
import { AuthStore } from "../../ui/auth/service.ts";
import { main } from "../../ui/cli/main.ts";
import { startEyrie, tempConfig } from "../ui/cli/_eyrie.ts";
import { makeSegment } from "../actors/recorder/_media.ts";

const CAMERA = `[console]\nlisten = "127.0.0.1:0"\n[recording]\nsegment_s = 10\n` +
  `[[camera]]\nid = "front"\nsource = "test"\nwidth = 320\nheight = 240\nfps = 15\n` +
  `encoder = "x264"\nbitrate_kbps = 300\n`;

/** A segment recorded an hour before the damage (well inside max_age): the rebuilt index must have it. */
const OLD = segmentPath("front", Date.now() - 3_600_000);

interface Setup {
  data: string;
  rec: string;
  file: string;
}

/** A data dir as a running eyrie leaves it: a user (sign-in required), an indexed segment. */
async function installation(dir: string): Promise<Setup> {
  const data = join(dir, "data");
  const rec = join(data, "recordings");
  await makeSegment(join(rec, OLD), 30);
  const auth = AuthStore.open(data);
  await auth.users.add("alice", "admin", null);
  auth.close();
  const file = join(data, "eyrie.db");
  const index = RecordingIndex.open(file);
  await reconcile(rec, index);
  index.close();
  const db = new DatabaseSync(file);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  return { data, rec, file };
}

type Damage = (file: string) => Promise<void>;

const DAMAGE: Record<string, Damage> = {
  "cut in half": async (file) => {
    const bytes = await Deno.readFile(file);
    await Deno.writeFile(file, bytes.slice(0, bytes.length / 2));
  },
  "a garbage header": async (file) => {
    const bytes = await Deno.readFile(file);
    bytes.set(new TextEncoder().encode("not a database!!".repeat(4)), 0);
    await Deno.writeFile(file, bytes);
  },
  "emptied": async (file) => {
    await Deno.writeFile(file, new Uint8Array());
  },
  "a directory in its place": async (file) => {
    await Deno.remove(file);
    await Deno.mkdir(file);
  },
};

async function newSegment(rec: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const day of Deno.readDirSync(join(rec, "front"))) {
      for (const f of Deno.readDirSync(join(rec, "front", day.name))) {
        const path = `front/${day.name}/${f.name}`;
        if (f.name.endsWith(".mp4") && path !== OLD) return path;
      }
    }
    if (Date.now() > deadline) throw new Error("no new segment within 30 s");
    await new Promise((r) => setTimeout(r, 200));
  }
}

function logLines(text: string): { level: string; msg: string; fields?: Record<string, string> }[] {
  return text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
}

Deno.test("a damaged eyrie.db: eyrie runs on and records, says what was wrong, rebuilds the index, and never opens a console without its users", async (t) => {
  for (const [name, damage] of Object.entries(DAMAGE)) {
    await t.step(`eyrie.db ${name}`, async () => {
      await using cfg = await tempConfig(CAMERA);
      const { data, rec, file } = await installation(cfg.dir);
      await damage(file);
      const unreadable = name === "a directory in its place";

      const eyrie = await startEyrie(cfg.file);
      let code: number | null = null;
      try {
        const made = await newSegment(rec);
        // The console: closed (users lost) or refusing (users unreadable); never open.
        const res = await fetch(`${eyrie.url}/api/cameras`);
        const body = await res.json();
        assert.equal(res.status, 503, JSON.stringify(body));
        assert.match(
          body.error,
          unreadable ? /cannot be read/ : /nobody can sign in: add a user/,
        );
        code = await eyrie.stop();
        assert.equal(code, 0, "eyrie ran on and stopped cleanly");
        const lines = logLines(eyrie.logs());
        const said = lines.find((l) => l.level === "error" && l.fields?.file === file);
        assert.ok(said !== undefined, `an error naming ${file}:\n${eyrie.logs()}`);
        assert.ok((said.fields?.reason ?? "").length > 0);
        if (unreadable) {
          assert.equal(said.msg, "cannot open the state file; it is left as it is");
          assert.equal(said.fields?.reason, "it is a directory, not a file");
          assert.ok((await Deno.stat(file)).isDirectory, "left alone");
          return;
        }
        assert.equal(
          said.msg,
          "the state file was corrupt: moved aside, a fresh one made with what could be read",
        );
        const movedTo = said.fields!.moved_to;
        assert.match(movedTo, /eyrie\.db\.corrupt-\d{4}-\d\d-\d\dT/);
        await Deno.stat(movedTo);
        // The index, rebuilt from the files on disk, has the old segment and the new one.
        const db = new DatabaseSync(file, { readOnly: true });
        const paths = db.prepare("SELECT path FROM recording_segments").all().map((r) => r.path);
        db.close();
        assert.ok(paths.includes(OLD), `${OLD} in ${paths}`);
        assert.ok(paths.includes(made), `${made} in ${paths}`);

        if (name === "a garbage header") {
          // Adding a user opens the console again (sign-in required, as before).
          const add = await main(["user", "add", "bob", "--no-password", "--data-dir", data], {
            stdout: () => {},
            stderr: () => {},
          });
          assert.equal(add, 0);
          const again = await startEyrie(cfg.file);
          try {
            const r = await fetch(`${again.url}/api/cameras`);
            await r.body?.cancel();
            assert.equal(r.status, 401, "sign-in required, no longer closed");
          } finally {
            assert.equal(await again.stop(), 0);
          }
        }
      } finally {
        if (code === null) await eyrie.stop();
      }
    });
  }
});
