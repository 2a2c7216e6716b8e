/**
 * Library grants beside camera grants, through the real app and access
 * check: a viewer sees and plays only the libraries its grant names (an
 * item of another one is 404, as if absent), a camera-only grant opens no
 * library, an admin sees all, and an admin's PUT of a grant opens one.
 */
import assert from "node:assert/strict";
import { Library } from "../../../actors/library/library.ts";
import { DEFAULT_GRANT, startAuthApp } from "./_auth_app.ts";
import { CLIPS, makeClip } from "../../actors/library/_clips.ts";

Deno.test("library grants: each viewer sees and plays only its libraries; an admin grants one more", async () => {
  const root = await Deno.makeTempDir({ prefix: "eyrie-library-grants-" });
  await Deno.mkdir(`${root}/films`);
  await Deno.mkdir(`${root}/holidays`);
  await makeClip(CLIPS["a.mp4"], `${root}/films/film.mp4`);
  await Deno.copyFile(`${root}/films/film.mp4`, `${root}/holidays/beach.mp4`);
  await using library = new Library([
    { id: "films", path: `${root}/films` },
    { id: "holidays", path: `${root}/holidays` },
  ], { dataDir: `${root}/data` });
  await library.start();
  await using t = await startAuthApp(
    [
      { name: "root", role: "admin", password: "root-password" },
      {
        name: "filmfan",
        role: "viewer",
        password: "filmfan-password",
        grant: { ...DEFAULT_GRANT, cameras: [], libraries: ["films"] },
      },
      { name: "camonly", role: "viewer", password: "camonly-password", grant: DEFAULT_GRANT },
    ],
    [],
    "127.0.0.1:0",
    { library },
  );
  try {
    const admin = await t.login("root", "root-password");
    const fan = await t.login("filmfan", "filmfan-password");
    const cams = await t.login("camonly", "camonly-password");
    const list = async (as: typeof admin, query = "") => {
      const res = await t.request(as, "GET", `/api/library${query}`);
      return { status: res.status, body: await res.json() };
    };
    const names = (body: { items: { name: string }[] }) => body.items.map((i) => i.name).sort();

    const all = await list(admin);
    assert.deepEqual(names(all.body), ["beach.mp4", "film.mp4"]);
    const beach = all.body.items.find((i: { name: string }) => i.name === "beach.mp4").id;
    const film = all.body.items.find((i: { name: string }) => i.name === "film.mp4").id;

    const fans = await list(fan);
    assert.equal(fans.status, 200);
    assert.deepEqual(names(fans.body), ["film.mp4"]);
    assert.deepEqual(fans.body.libraries.map((l: { id: string }) => l.id), ["films"]);
    assert.equal((await list(fan, "?library=holidays")).status, 404);
    const play = await t.request(fan, "GET", `/api/library/items/${film}`, {
      headers: { range: "bytes=0-9" },
    });
    assert.equal(play.status, 206);
    await play.body?.cancel();
    for (
      const path of [`/api/library/items/${beach}`, `/api/library/items/${beach}/thumbnail.jpg`]
    ) {
      const res = await t.request(fan, "GET", path);
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
    // Watch positions are per viewer: the fan's is not the admin's; history lists it.
    const put = (as: typeof admin, id: number, body: string) =>
      t.request(as, "PUT", `/api/library/items/${id}/position`, {
        headers: { "content-type": "application/json" },
        body,
      });
    assert.equal((await put(fan, film, '{"position_s": 1.25}')).status, 204);
    const at = (body: { items: { name: string; position_s: number }[] }, name: string) =>
      body.items.find((i) => i.name === name)!.position_s;
    assert.equal(at((await list(fan)).body, "film.mp4"), 1.25);
    assert.equal(at((await list(admin)).body, "film.mp4"), 0);
    const history = await (await t.request(fan, "GET", "/api/library/history")).json();
    assert.deepEqual(history.items.map((i: { name: string }) => i.name), ["film.mp4"]);
    assert.equal(
      (await put(fan, film, '{"position_s": 1e9}')).status,
      204,
      "past the end is the end",
    );
    assert.ok(at((await list(fan)).body, "film.mp4") <= 2.1);
    for (const bad of ['{"position_s": -1}', '{"position_s": "3"}', "{", '{"position_s": null}']) {
      const res = await put(fan, film, bad);
      assert.equal(res.status, 400, bad);
      await res.body?.cancel();
    }
    const other = await put(fan, beach, '{"position_s": 1}');
    assert.equal(other.status, 404, "not in a granted library");
    await other.body?.cancel();

    // Playlists are each viewer's, hold only items it may use, and lose items that go.
    const call = async (as: typeof admin, method: string, path: string, body?: unknown) => {
      const res = await t.request(as, method, path, {
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    };
    const made = await call(fan, "POST", "/api/library/playlists", {
      name: "Sunday",
      items: [film],
    });
    assert.equal(made.status, 201);
    assert.deepEqual(made.body.items.map((i: { name: string }) => i.name), ["film.mp4"]);
    const pid = made.body.id;
    const refusedItem = await call(fan, "POST", "/api/library/playlists", {
      name: "x",
      items: [beach],
    });
    assert.deepEqual([refusedItem.status, refusedItem.body.error], [
      400,
      `No library item ${beach}`,
    ]);
    for (const bad of [{ name: "" }, { name: "x", items: "1" }, { name: "x", items: [0] }]) {
      assert.equal((await call(fan, "POST", "/api/library/playlists", bad)).status, 400);
    }
    assert.deepEqual((await call(admin, "GET", "/api/library/playlists")).body.playlists, []);
    assert.equal(
      (await call(admin, "PUT", `/api/library/playlists/${pid}`, { name: "mine" })).status,
      404,
    );
    const renamed = await call(fan, "PUT", `/api/library/playlists/${pid}`, {
      name: "Monday",
      items: [film, film],
    });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, "Monday");
    assert.equal(renamed.body.items.length, 2);
    const second = await call(fan, "POST", "/api/library/playlists", { name: "gone" });
    assert.equal(
      (await call(fan, "DELETE", `/api/library/playlists/${second.body.id}`)).status,
      204,
    );
    assert.equal(
      (await call(fan, "DELETE", `/api/library/playlists/${second.body.id}`)).status,
      404,
    );
    const lists = (await call(fan, "GET", "/api/library/playlists")).body.playlists;
    assert.deepEqual(lists.map((p: { name: string }) => p.name), ["Monday"]);

    const scan = await t.request(fan, "POST", "/api/library/films/scan");
    assert.equal(scan.status, 403, "scanning is an admin's");
    await scan.body?.cancel();

    assert.equal((await list(cams)).status, 403, "a camera grant opens no library");
    const page = await t.request(cams, "GET", "/library");
    assert.equal(page.status, 403);
    await page.body?.cancel();

    const grantPut = await t.request(admin, "PUT", "/api/auth/grants/user:camonly", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ libraries: "holidays" }),
    });
    assert.equal(grantPut.status, 200, await grantPut.clone().text());
    await grantPut.body?.cancel();
    const now = await list(await t.login("camonly", "camonly-password"));
    assert.equal(now.status, 200);
    assert.deepEqual(names(now.body), ["beach.mp4"]);
    const me = await (await t.request(cams, "GET", "/api/auth/me")).json();
    assert.match(me.grantText, /; libraries holidays$/);

    // The film leaves its folder: its row, its positions and its places in playlists go.
    await Deno.remove(`${root}/films/film.mp4`);
    await library.scan("films");
    const after = (await call(fan, "GET", "/api/library/playlists")).body.playlists;
    assert.deepEqual(after[0].items, []);
    assert.deepEqual(
      (await (await t.request(fan, "GET", "/api/library/history")).json()).items,
      [],
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
