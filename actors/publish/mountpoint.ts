/**
 * A camera's mountpoint in a Janus streaming plugin, as a link to the world
 * outside (actors/supervisor/link.ts). It is created (an H.264 RTP
 * mountpoint whose port Janus chooses), then looked at every
 * {@linkcode CHECK_EVERY_MS}: gone (Janus restarted, or someone destroyed
 * it) is created again at once; Janus away or refusing is offline with the
 * cause, tried again per LINK_RETRY. Each step says where the RTP goes now
 * (the port, or nowhere). One left over from an eyrie that did not stop
 * cleanly is replaced.
 *
 * @module
 */
import { Link, type LinkNote } from "../supervisor/link.ts";
import { type JanusApi, JanusError, MOUNTPOINT_EXISTS } from "./janus_api.ts";

/** How often a mountpoint that is up is looked at. Reason: Janus restarted is noticed within this. */
export const CHECK_EVERY_MS = 2000;

export interface MountpointOptions {
  api: JanusApi;
  id: number;
  adminKey: string;
  description: string;
  fmtp: string;
  /** What the link is called in the log. */
  what: string;
}

/** The outcome of one step. */
export interface Step {
  /** Janus's RTP port for the stream, or null while there is no mountpoint. */
  port: number | null;
  rtcpPort: number | null;
  note: LinkNote | null;
  /** When to take the next step. */
  delayMs: number;
}

export class JanusMountpoint {
  readonly link: Link;
  readonly #o: MountpointOptions;
  #created: { port: number; rtcpPort: number | null } | null = null;
  /** Viewers Janus counted at the last look. */
  viewers = 0;
  /** Times the mountpoint was created (more than once: Janus lost it). */
  creates = 0;

  constructor(options: MountpointOptions) {
    this.#o = options;
    this.link = new Link({ what: options.what });
  }

  get port(): number | null {
    return this.#created?.port ?? null;
  }

  async #create(): Promise<{ port: number; rtcpPort: number | null }> {
    const { api, id, adminKey, description, fmtp } = this.#o;
    try {
      return await api.create({ id, description, adminKey, fmtp });
    } catch (e) {
      if (!(e instanceof JanusError) || e.code !== MOUNTPOINT_EXISTS) throw e;
      // Ours from before (eyrie stopped without removing it) or someone else's with our id:
      // it is replaced, so the stream goes where the new one listens.
      await api.destroy(id, adminKey);
      return await api.create({ id, description, adminKey, fmtp });
    }
  }

  /** Creates, checks or recreates the mountpoint. Never throws: a failure is the link's state. */
  async step(): Promise<Step> {
    try {
      if (this.#created !== null) {
        const info = await this.#o.api.info(this.#o.id);
        if (info !== null) {
          this.viewers = info.viewers;
          const s = this.link.state.state;
          return {
            ...this.#created,
            note: s === "up" ? null : this.link.up(),
            delayMs: CHECK_EVERY_MS,
          };
        }
        this.#created = null; // gone: make it again now
      }
      if (this.link.state.state !== "offline") this.link.connecting();
      this.#created = await this.#create();
      this.creates++;
      this.viewers = 0;
      return { ...this.#created, note: this.link.up(), delayMs: CHECK_EVERY_MS };
    } catch (e) {
      this.#created = null;
      this.#o.api.reset();
      const cause = e instanceof JanusError ? e.message : `unexpected: ${(e as Error).message}`;
      const { delayMs, note } = this.link.down(cause);
      return { port: null, rtcpPort: null, note, delayMs };
    }
  }

  /** Removes the mountpoint (shutdown). False when there was none to remove, or Janus is away. */
  async remove(): Promise<boolean> {
    if (this.#created === null) return false;
    this.#created = null;
    try {
      return await this.#o.api.destroy(this.#o.id, this.#o.adminKey);
    } catch {
      return false;
    } finally {
      await this.#o.api.close();
    }
  }
}
