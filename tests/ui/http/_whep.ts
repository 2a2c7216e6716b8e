/** Helpers for tests that talk WHEP to a running eyrie. */

/**
 * Waits until the camera's live path runs (its packetizer: the viewer actor starts beside it at the
 * first offer), so an offer now starts the viewer instead of waiting for the camera to come up.
 */
export async function viewerReady(url: string, camera: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${url}/api/cameras/${camera}`);
    const actors: { id: string; state: string }[] = res.ok ? (await res.json()).actors : [];
    if (!res.ok) await res.body?.cancel();
    if (actors.some((a) => a.id.endsWith("/packetizer") && a.state === "running")) return;
    if (Date.now() > deadline) throw new Error(`the live path of ${camera} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The viewer actor's latest stats for a camera (it reports every second). */
export async function viewerStats(url: string, camera: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/api/cameras/${camera}`);
  return (await res.json()).stats.viewer ?? {};
}
