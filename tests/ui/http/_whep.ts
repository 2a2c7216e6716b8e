/** Helpers for tests that talk WHEP to a running eyrie. */

/** Waits until the camera's viewer actor answers (it starts after camera, encoder, packetizer). */
export async function viewerReady(url: string, camera: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    // No content type: a running viewer actor says 415, one not running yet 503.
    const res = await fetch(`${url}/api/cameras/${camera}/whep`, { method: "POST" });
    await res.body?.cancel();
    if (res.status !== 503) return;
    if (Date.now() > deadline) throw new Error(`the viewer actor of ${camera} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The viewer actor's latest stats for a camera (it reports every second). */
export async function viewerStats(url: string, camera: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/api/cameras/${camera}`);
  return (await res.json()).stats.viewer ?? {};
}
