/**
 * eyrie on an MQTT broker (`[mqtt]`): detection events as they are stored,
 * each camera's availability, motion and object sensors, stats and
 * snapshots, Home Assistant discovery, and the recording and quality
 * commands — which act only where the MQTT identity is allowed to (the
 * `[mqtt] user` as an eyrie user with `can_record` / `can_control_quality`
 * for the camera; with no eyrie users at all, only a broker on loopback).
 * A refused or unreadable command is logged and the state published again,
 * so Home Assistant's switch falls back to the truth.
 *
 * Runs on the main thread beside the console: it reads what the console
 * reads (the system, the event hub) and changes what the console changes.
 * The broker is a link (link.ts): while it is away nothing else waits.
 *
 * @module
 */
import type { Config } from "../../actors/defs.ts";
import { EventHub, type StoredEvent } from "../../actors/events/mod.ts";
import type { EncoderStats } from "../../actors/encoder/protocol.ts";
import type { Logger } from "../../actors/log/logger.ts";
import type { System } from "../../actors/system/mod.ts";
import type { ViewerStats } from "../../actors/viewer/protocol.ts";
import { type Command, parseCommand } from "./commands.ts";
import { type DiscoveredCamera, discoveryMessages, removalMessages } from "./discovery.ts";
import { MqttLink, type MqttStats } from "./link.ts";
import { eventMessage, Presence } from "./messages.ts";
import { Topics } from "./topics.ts";

/** How often camera availability and recording state are looked at (published on change). */
const WATCH_EVERY_MS = 1000;

/**
 * Pages of past events read at start for the sensors' state. Reason: only
 * the seconds between the system's start and the console's are replayed.
 */
const REPLAY_PAGES = 10;

/** Whether the MQTT identity may give `need` for `camera`. */
export type CommandAccess = (camera: string, need: "record" | "control") => boolean;

export interface MqttServiceOptions {
  system: System;
  config: NonNullable<Config["mqtt"]>;
  log: Logger;
  /** The newest picture of a camera as JPEG (null when it has none now). */
  snapshot(camera: string): Promise<Uint8Array | null>;
  access: CommandAccess;
  /** The console's URL, for events' snapshot URLs (known once it listens). */
  consoleUrl: () => string;
  version: string;
}

interface CameraState {
  presence: Presence;
  availability: string | null;
  recording: string | null;
  quality: string | null;
}

export class MqttService {
  readonly #o: MqttServiceOptions;
  readonly #topics: Topics;
  readonly #link: MqttLink;
  readonly #cameras = new Map<string, CameraState>();
  /** Cameras whose discovery is published, to remove the ones that leave. */
  readonly #discovered = new Map<string, DiscoveredCamera>();
  #unsubscribe = () => {};
  #watch: ReturnType<typeof setInterval> | undefined;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  readonly #startedAt = Date.now();
  /** Commands acted on, and refused. */
  readonly commands = { done: 0, refused: 0 };

  constructor(options: MqttServiceOptions) {
    this.#o = options;
    this.#topics = new Topics(options.config.topic_prefix);
    this.#link = new MqttLink({
      config: options.config,
      log: options.log,
      will: { topic: this.#topics.availability, payload: "offline" },
      subscriptions: this.#topics.commands,
      onConnect: () => this.#publishAll(),
      onMessage: (topic, payload) => void this.#command(topic, payload),
    });
  }

  status(): MqttStats & { commands: { done: number; refused: number } } {
    return { ...this.#link.status(), commands: { ...this.commands } };
  }

  start(): void {
    const hub = EventHub.for(this.#o.system.config.data_dir);
    // What happened since the system started (the detectors run before the console listens)
    // sets the sensors and waits to be published, as events do while the broker is away;
    // then live events, in the same tick, so none slips between.
    this.#replay(hub);
    this.#unsubscribe = hub.stream.subscribe((e) => this.#event(e));
    this.#watch = setInterval(() => this.#publishChanges(), WATCH_EVERY_MS);
    this.#statsTimer = setInterval(
      () => void this.#publishStats(true),
      this.#o.config.stats_interval_s * 1000,
    );
    this.#link.start();
  }

  async stop(): Promise<void> {
    this.#unsubscribe();
    clearInterval(this.#watch);
    clearInterval(this.#statsTimer);
    await this.#link.stop({ topic: this.#topics.availability, payload: "offline", retain: true });
  }

  #replay(hub: EventHub): void {
    const past: StoredEvent[] = [];
    let before: number | undefined;
    for (let page = 0; page < REPLAY_PAGES; page++) {
      const p = hub.store.list({ fromMs: this.#o.system.startedAt, before });
      past.push(...p.events);
      if (p.next === null) break;
      before = p.next;
    }
    for (const e of past.reverse()) this.#event(e, { snapshot: false });
  }

  #state(camera: string): CameraState {
    let s = this.#cameras.get(camera);
    if (s === undefined) {
      s = { presence: new Presence(), availability: null, recording: null, quality: null };
      this.#cameras.set(camera, s);
    }
    return s;
  }

  #publish(topic: string, payload: string | Uint8Array, retain = true): void {
    this.#link.publish({ topic, payload, retain });
  }

  #cameraList(): DiscoveredCamera[] {
    const recordings = this.#o.system.recordings;
    const recording = new Set(recordings?.cameras().map((c) => c.camera) ?? []);
    return [...this.#o.system.cameras.values()].map((node) => ({
      id: node.id,
      labels: node.config.detection.model === "" ? [] : node.config.detection.classes,
      records: recording.has(node.id),
    }));
  }

  /** Everything, at each connect: availability, discovery, every camera's state, stats. */
  #publishAll(): void {
    const t = this.#topics;
    this.#publish(t.availability, "online");
    const cameras = this.#cameraList();
    this.#publishDiscovery(cameras);
    for (const c of cameras) {
      const s = this.#state(c.id);
      s.availability = s.recording = s.quality = null; // published again below
      this.#publish(t.camera(c.id, "motion"), s.presence.motion ? "ON" : "OFF");
      for (const label of c.labels) {
        this.#publish(t.object(c.id, label), s.presence.present(label) ? "ON" : "OFF");
      }
    }
    this.#publishChanges();
    void this.#publishStats(true);
  }

  #publishDiscovery(cameras: DiscoveredCamera[]): void {
    const prefix = this.#o.config.discovery_prefix;
    if (prefix === "") return;
    const options = {
      prefix,
      topics: this.#topics,
      clientId: this.#o.config.client_id,
      version: this.#o.version,
    };
    const now = new Set(cameras.map((c) => c.id));
    for (const [id, gone] of this.#discovered) {
      if (now.has(id)) continue;
      for (const m of removalMessages(gone, options)) this.#publish(m.topic, m.payload);
      this.#discovered.delete(id);
    }
    for (const c of cameras) {
      const before = this.#discovered.get(c.id);
      if (
        before !== undefined && this.#link.connected && JSON.stringify(before) === JSON.stringify(c)
      ) {
        continue;
      }
      for (const m of discoveryMessages(c, options)) this.#publish(m.topic, m.payload);
      this.#discovered.set(c.id, c);
    }
  }

  /** Availability, recording and quality of each camera, when they changed; discovery when cameras did. */
  #publishChanges(): void {
    if (!this.#link.connected) return;
    const t = this.#topics;
    const system = this.#o.system;
    const recordings = new Map(system.recordings?.cameras().map((c) => [c.camera, c]) ?? []);
    const ids = new Set(system.cameras.keys());
    if (
      [...this.#discovered.keys()].some((id) => !ids.has(id)) ||
      [...ids].some((id) => !this.#discovered.has(id))
    ) this.#publishDiscovery(this.#cameraList());
    for (const [id, node] of system.cameras) {
      const s = this.#state(id);
      const availability = system.cameraStatus(id)?.state === "live" ? "online" : "offline";
      if (availability !== s.availability) {
        s.availability = availability;
        this.#publish(t.camera(id, "availability"), availability);
      }
      const rec = recordings.get(id);
      const recording = rec === undefined ? null : rec.paused ? "OFF" : "ON";
      if (recording !== null && recording !== s.recording) {
        s.recording = recording;
        this.#publish(t.camera(id, "recording"), recording);
      }
      if (node.config.quality !== s.quality) {
        s.quality = node.config.quality;
        this.#publish(t.camera(id, "quality"), node.config.quality);
      }
    }
  }

  async #publishStats(withSnapshots: boolean): Promise<void> {
    if (!this.#link.connected) return;
    const system = this.#o.system;
    let sessions = 0;
    for (const [id, node] of system.cameras) {
      const enc = node.stats.get("encoder") as EncoderStats | undefined;
      const viewer = node.stats.get("viewer") as ViewerStats | undefined;
      const rtsp = system.rtsp?.stats?.sessions.filter((s) => s.camera === id).length ?? 0;
      sessions += rtsp;
      this.#publish(
        this.#topics.camera(id, "stats"),
        JSON.stringify({
          fps: enc?.fps ?? 0,
          bitrate_kbps: enc?.bitrateKbps ?? 0,
          width: node.config.width,
          height: node.config.height,
          viewers: viewer?.viewers ?? 0,
          rtsp_sessions: rtsp,
          status: system.cameraStatus(id)?.state ?? "unknown",
        }),
      );
    }
    this.#publish(
      this.#topics.stats,
      JSON.stringify({
        uptime_s: Math.round((Date.now() - this.#startedAt) / 1000),
        cameras: system.cameras.size,
        rtsp_sessions: sessions,
        health: system.health().status,
        version: this.#o.version,
      }),
    );
    if (!withSnapshots) return;
    for (const id of system.cameras.keys()) {
      const jpeg = await this.#o.snapshot(id).catch(() => null);
      if (jpeg !== null) this.#publish(this.#topics.camera(id, "snapshot"), jpeg);
    }
  }

  #event(e: StoredEvent, options = { snapshot: true }): void {
    const t = this.#topics;
    this.#publish(
      t.camera(e.camera, "events"),
      JSON.stringify(eventMessage(e, this.#o.consoleUrl())),
      false,
    );
    const changed = this.#state(e.camera).presence.apply(e);
    if (changed !== null) {
      if ("motion" in changed) {
        this.#publish(t.camera(e.camera, "motion"), changed.motion ? "ON" : "OFF");
      } else this.#publish(t.object(e.camera, changed.label), changed.on ? "ON" : "OFF");
    }
    if (options.snapshot && e.snapshot && this.#link.connected) {
      const jpeg = EventHub.for(this.#o.system.config.data_dir).store.snapshot(e.id);
      if (jpeg !== null) this.#publish(t.camera(e.camera, "snapshot"), jpeg);
    }
  }

  async #command(topic: string, payload: Uint8Array): Promise<void> {
    const parsed = parseCommand(this.#topics.prefix, topic, payload);
    if (!parsed.ok) {
      this.commands.refused++;
      this.#o.log.warn("mqtt command refused", { topic, reason: parsed.reason });
      return;
    }
    const cmd: Command = parsed.command;
    const system = this.#o.system;
    const refuse = (reason: string) => {
      this.commands.refused++;
      this.#o.log.warn("mqtt command refused", { topic, reason });
      // Say the truth again, so a switch that was flipped falls back.
      const s = this.#cameras.get(cmd.camera);
      if (s !== undefined) s.recording = s.quality = null;
      this.#publishChanges();
    };
    if (!system.cameras.has(cmd.camera)) return refuse(`no camera "${cmd.camera}"`);
    const need = cmd.kind === "recording" ? "record" : "control";
    if (!this.#o.access(cmd.camera, need)) {
      return refuse(
        `the MQTT identity "${this.#o.config.user || "(anonymous)"}" may not ${
          need === "record" ? "switch recording" : "change quality"
        } of "${cmd.camera}"`,
      );
    }
    switch (cmd.kind) {
      case "recording": {
        const ok = system.recordings?.setPaused(cmd.camera, !cmd.on) ?? false;
        if (!ok) return refuse(`"${cmd.camera}" does not record`);
        break;
      }
      case "quality":
        try {
          await system.setQuality(cmd.camera, cmd.preset);
        } catch (e) {
          return refuse((e as Error).message);
        }
        break;
    }
    this.commands.done++;
    this.#o.log.info("mqtt command", { topic, camera: cmd.camera, command: cmd.kind });
    this.#publishChanges();
  }
}
