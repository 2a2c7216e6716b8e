/**
 * Two-way talk (docs/audio.md): `POST /api/cameras/:id/talk` with an SDP
 * offer whose one audio section sends the browser's microphone (WHIP's
 * shape, draft-ietf-wish-whip) → 201, the SDP answer (recvonly Opus) and a
 * Location; `DELETE` that Location releases the speaker. One talker at a
 * time: while someone holds the camera's speaker, an offer gets 409 naming
 * them. The talk runs in the camera's viewer actor (werift is there), which
 * the first offer starts like a WHEP offer does.
 *
 * @module
 */
import { Hono } from "hono";
import type { CameraNode, System } from "../../actors/system/mod.ts";
import { ActorCallError } from "../../actors/runtime/mod.ts";
import {
  iceHostsFor,
  MAX_SDP_BYTES,
  OfferError,
  viewerDemand,
  viewerOf,
} from "../../actors/viewer/mod.ts";
import type { TalkStatus, ViewerStats } from "../../actors/viewer/protocol.ts";
import { checkTalkOffer } from "../../actors/viewer/talk_offer.ts";
import type { Principal } from "../auth/policy.ts";
import { parseListen } from "../config/mod.ts";
import { principalOf } from "./access.ts";
import { readBoundedText } from "./body.ts";
import { connOf } from "./conn.ts";
import { addLinks, iceFor, mediaType, SDP } from "./whep.ts";

/**
 * A camera's talk as `GET /api/cameras/:id` shows it: `none` (no speaker),
 * `free`, `held` (by `holder`, since `since`) or `offline` (the speaker
 * failed, with `cause`; the next talker tries it again).
 */
export function talkStatus(node: CameraNode) {
  const speaker = node.config.speaker;
  if (speaker === "none" || node.config.codec !== "h264") {
    return { state: "none" as const, speaker };
  }
  const talk: TalkStatus | undefined = viewerOf(node) === undefined
    ? undefined
    : (node.stats.get("viewer") as ViewerStats | undefined)?.talk;
  if (talk === undefined) return { state: "free" as const, speaker, holder: null };
  const device = talk.device;
  const base = { speaker, packets: talk.packets, lost: talk.lost, ended: talk.ended };
  if (talk.holder !== null) {
    return {
      ...base,
      state: "held" as const,
      holder: talk.holder,
      since: talk.since,
      connected: talk.connected,
    };
  }
  if (device.state === "offline") {
    return {
      ...base,
      state: "offline" as const,
      holder: null,
      cause: device.cause,
      since: device.since,
    };
  }
  return { ...base, state: "free" as const, holder: null };
}

/** Who talks, as the others are told: a user's name, a certificate's name, else the address. */
function holderName(p: Principal, address: string): string {
  switch (p.kind) {
    case "user":
      return p.name;
    case "certificate":
      return `certificate "${p.cn}"`;
    case "local":
    case "anonymous":
      return address === "" ? "a local client" : address;
  }
}

export function talkRoutes(system: System): Hono {
  const listenHost = parseListen(system.config.console.listen).hostname;
  return new Hono()
    .post("/:id/talk", async (c) => {
      const id = c.req.param("id");
      const node = system.cameras.get(id);
      if (node === undefined) return c.json({ error: `No camera "${id}"` }, 404);
      if (node.config.speaker === "none") {
        return c.json({ error: `Camera "${id}" has no speaker (speaker = "none")` }, 409);
      }
      if (node.config.codec !== "h264") {
        return c.json({
          error:
            `Camera "${id}" sends MJPEG; talk runs in its WebRTC live view, which needs codec = "h264"`,
        }, 409);
      }
      if (mediaType(c) !== SDP) return c.json({ error: `The offer must be sent as ${SDP}` }, 415);
      const text = await readBoundedText(c.req.raw, MAX_SDP_BYTES);
      if (text === null) {
        return c.json({ error: `The offer is larger than ${MAX_SDP_BYTES} bytes` }, 413);
      }
      let offer;
      try {
        offer = checkTalkOffer(text);
      } catch (error) {
        if (error instanceof OfferError) return c.json({ error: error.message }, 400);
        throw error;
      }
      const ice = iceFor(system, c);
      const demand = viewerDemand(node);
      const viewer = await demand.acquire();
      if (typeof viewer === "string") {
        return c.json({ error: `Talk is not available: ${viewer}` }, 503, { "retry-after": "1" });
      }
      try {
        const reply = await viewer.call("talk", {
          sdp: offer.sdp,
          payloadType: offer.payloadType,
          hosts: iceHostsFor(listenHost, c.req.header("host") ?? null),
          ice,
          holder: holderName(principalOf(c), connOf(c)?.remote.address ?? ""),
        });
        if (!reply.ok) {
          switch (reply.problem) {
            case "held":
              return c.json({ error: reply.message, holder: reply.holder }, 409);
            case "no_speaker":
              return c.json({ error: reply.message }, 409);
            case "speaker_offline":
              return c.json({ error: reply.message }, 503);
            case "rejected":
              return c.json({ error: reply.message }, 400);
          }
        }
        addLinks(c, ice);
        return c.body(reply.sdp, 201, {
          "content-type": SDP,
          location: `/api/cameras/${node.id}/talk/${reply.id}`,
        });
      } catch (error) {
        if (error instanceof ActorCallError) {
          return c.json({ error: `Talk is not available: ${error.message}` }, 503);
        }
        throw error;
      } finally {
        demand.release();
      }
    })
    .options("/:id/talk", (c) => {
      const node = system.cameras.get(c.req.param("id"));
      if (node === undefined) return c.json({ error: `No camera "${c.req.param("id")}"` }, 404);
      addLinks(c, iceFor(system, c));
      return c.body(null, 204, { "accept-post": SDP });
    })
    .delete("/:id/talk/:session", async (c) => {
      const id = c.req.param("id");
      const node = system.cameras.get(id);
      if (node === undefined) return c.json({ error: `No camera "${id}"` }, 404);
      const viewer = viewerOf(node);
      if (viewer === undefined) return c.json({ error: "No such talk session" }, 404);
      try {
        const { closed } = await viewer.call("talk_close", { id: c.req.param("session") });
        return closed ? c.body(null, 200) : c.json({ error: "No such talk session" }, 404);
      } catch (error) {
        if (error instanceof ActorCallError) {
          return c.json({ error: `Talk is not available: ${error.message}` }, 503);
        }
        throw error;
      }
    });
}
