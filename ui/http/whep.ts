/**
 * WHEP (draft-ietf-wish-whep): `POST /api/cameras/:id/whep` with an SDP
 * offer → 201, the SDP answer and a Location; `DELETE` that Location ends
 * the session; `PATCH` it with trickled candidates (RFC 8840) → 204 for an
 * ICE-lite server, 200 with eyrie's own candidates for a full one. With
 * `[webrtc] ice_servers`, the POST's answer and `OPTIONS` on the endpoint
 * carry one `Link: <url>; rel="ice-server"` per server (with credentials,
 * TURN REST ones made per request), so players can gather relay candidates.
 * Offers are checked here (checkOffer) so bad ones never reach the camera's
 * viewer actor, nor start it: the first good offer does (actors/viewer/demand.ts).
 *
 * @module
 */
import { type Context, Hono } from "hono";
import type { CameraNode, System } from "../../actors/system/mod.ts";
import { ActorCallError } from "../../actors/runtime/mod.ts";
import {
  checkOffer,
  iceHostsFor,
  MAX_SDP_BYTES,
  OfferError,
  viewerDemand,
  viewerOf,
} from "../../actors/viewer/mod.ts";
import { subjectOf } from "../auth/policy.ts";
import { parseListen } from "../config/mod.ts";
import { principalOf } from "./access.ts";
import { readBoundedText } from "./body.ts";
import { connOf } from "./conn.ts";
import { ICE_LITE } from "../../actors/viewer/ice.ts";
import type { IceConfig, TrickleCandidate } from "../../actors/viewer/protocol.ts";
import { iceServersFor, linkHeader } from "../../transports/ice/servers.ts";
import { STREAM_CHOICES, type StreamChoice } from "../../actors/viewer/stream_choice.ts";

export const SDP = "application/sdp";
const SDP_FRAG = "application/trickle-ice-sdpfrag";

export function mediaType(c: Context): string {
  return (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
}

/** The camera, or the response that says why it has no live view. */
function cameraFor(system: System, c: Context) {
  const id = c.req.param("id") ?? "";
  const node: CameraNode | undefined = system.cameras.get(id);
  if (node === undefined) return { error: c.json({ error: `No camera "${id}"` }, 404) };
  if (node.config.codec !== "h264") {
    return {
      error: c.json({
        error: `Camera "${id}" sends MJPEG; WebRTC viewers need codec = "h264"`,
      }, 409),
    };
  }
  return { node };
}

/**
 * The camera's running viewer actor for a session's DELETE or PATCH: none
 * running means no session (it starts only for an offer), unless it is
 * (re)starting.
 */
function sessionViewer(node: CameraNode, c: Context) {
  const viewer = viewerOf(node);
  if (viewer !== undefined) return { viewer };
  const state = viewerDemand(node).state;
  if (state === "idle") return { error: c.json({ error: "No such session" }, 404) };
  return {
    error: c.json({ error: `Live view of camera "${node.id}" is ${state}` }, 503),
  };
}

/** Candidates one PATCH may carry. Reason: a browser has a few per interface and server; 64 is far past that. */
export const MAX_TRICKLE_CANDIDATES = 64;

/** The ICE mode and servers for a request, TURN REST credentials made for its user now. */
export function iceFor(system: System, c: Context): IceConfig {
  const w = system.config.webrtc;
  if (w.ice_lite) return ICE_LITE;
  const rest = w.turn_secret === "" ? null : {
    secret: w.turn_secret,
    user: (subjectOf(principalOf(c)) ?? "eyrie").replace(/:/g, "_"),
    ttlS: w.turn_ttl_s,
    nowS: Date.now() / 1000,
  };
  return { lite: false, servers: iceServersFor(w.ice_servers, rest) };
}

export function addLinks(c: Context, ice: IceConfig): void {
  for (const s of ice.servers) c.header("link", linkHeader(s), { append: true });
}

/** The candidates of an application/trickle-ice-sdpfrag body, each with its media's mid. */
function fragmentCandidates(text: string): TrickleCandidate[] | null {
  const out: TrickleCandidate[] = [];
  let mid: string | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("a=mid:")) mid = line.slice(6);
    else if (line.startsWith("a=candidate:")) out.push({ candidate: line.slice(2), mid });
  }
  return out.length > MAX_TRICKLE_CANDIDATES ? null : out;
}

function unavailable(c: Context, error: unknown): Response {
  if (error instanceof ActorCallError) {
    return c.json({ error: `Live view is not available: ${error.message}` }, 503);
  }
  throw error;
}

export function whepRoutes(system: System): Hono {
  const listenHost = parseListen(system.config.console.listen).hostname;
  return new Hono()
    .post("/:id/whep", async (c) => {
      const found = cameraFor(system, c);
      if (found.error !== undefined) return found.error;
      if (mediaType(c) !== SDP) {
        return c.json({ error: `The offer must be sent as ${SDP}` }, 415);
      }
      const text = await readBoundedText(c.req.raw, MAX_SDP_BYTES);
      if (text === null) {
        return c.json({ error: `The offer is larger than ${MAX_SDP_BYTES} bytes` }, 413);
      }
      // ?stream=main|sub pins one of the camera's streams; auto (the default) moves with the link.
      const stream = (c.req.query("stream") ?? "auto") as StreamChoice;
      if (!STREAM_CHOICES.includes(stream)) {
        return c.json({
          error: `stream must be one of ${STREAM_CHOICES.join(", ")}, got "${
            c.req.query("stream")
          }"`,
        }, 400);
      }
      if (stream === "sub" && found.node.config.sub === null) {
        return c.json({ error: `Camera "${found.node.id}" has no sub stream ([camera.sub])` }, 400);
      }
      let offer;
      const ice = iceFor(system, c);
      try {
        offer = checkOffer(text);
      } catch (error) {
        if (error instanceof OfferError) return c.json({ error: error.message }, 400);
        throw error;
      }
      // The first offer starts the camera's viewer actor; offers meanwhile wait for that start.
      const demand = viewerDemand(found.node);
      const viewer = await demand.acquire();
      if (typeof viewer === "string") {
        return c.json({ error: `Live view is not available: ${viewer}` }, 503, {
          "retry-after": "1",
        });
      }
      try {
        const reply = await viewer.call("offer", {
          sdp: offer.sdp,
          audio: offer.audio,
          // Sound when the camera has some (or may: an offline microphone comes back).
          sendAudio: offer.audio && found.node.config.audio !== "none" &&
            found.node.audio?.state.state !== "none",
          hosts: iceHostsFor(listenHost, c.req.header("host") ?? null),
          ice,
          // Connecting sessions are capped per user, or per address for requests without one.
          client: {
            address: connOf(c)?.remote.address || "in-process",
            user: subjectOf(principalOf(c)),
          },
          stream,
          fec: offer.fec === null || system.config.webrtc.fec === "never"
            ? null
            : { types: offer.fec, mode: system.config.webrtc.fec },
        });
        if (!reply.ok) {
          switch (reply.problem) {
            case "too_many_viewers":
              return c.json({ error: reply.message }, 503);
            case "busy":
              return c.json({ error: reply.message }, 503, { "retry-after": "1" });
            case "client_busy":
              return c.json({ error: reply.message }, 429, { "retry-after": "1" });
            case "rejected":
              return c.json({ error: reply.message }, 400);
          }
        }
        addLinks(c, ice);
        return c.body(reply.sdp, 201, {
          "content-type": SDP,
          location: `/api/cameras/${found.node.id}/whep/${reply.id}`,
          "accept-patch": SDP_FRAG,
        });
      } catch (error) {
        return unavailable(c, error);
      } finally {
        demand.release();
      }
    })
    .options("/:id/whep", (c) => {
      const found = cameraFor(system, c);
      if (found.error !== undefined) return found.error;
      addLinks(c, iceFor(system, c));
      return c.body(null, 204, { "accept-post": SDP });
    })
    .delete("/:id/whep/:session", async (c) => {
      const cam = cameraFor(system, c);
      if (cam.error !== undefined) return cam.error;
      const found = sessionViewer(cam.node, c);
      if (found.error !== undefined) return found.error;
      try {
        const { closed } = await found.viewer.call("close", { id: c.req.param("session") });
        return closed ? c.body(null, 200) : c.json({ error: "No such session" }, 404);
      } catch (error) {
        return unavailable(c, error);
      }
    })
    .patch("/:id/whep/:session", async (c) => {
      const cam = cameraFor(system, c);
      if (cam.error !== undefined) return cam.error;
      if (mediaType(c) !== SDP_FRAG) {
        return c.json({ error: `Trickle ICE must be sent as ${SDP_FRAG}` }, 415);
      }
      const text = await readBoundedText(c.req.raw, MAX_SDP_BYTES);
      if (text === null) {
        return c.json({ error: `The fragment is larger than ${MAX_SDP_BYTES} bytes` }, 413);
      }
      const ufrag = /^a=ice-ufrag:(.+)$/m.exec(text)?.[1]?.trim() ?? null;
      const found = sessionViewer(cam.node, c);
      if (found.error !== undefined) return found.error;
      const candidates = fragmentCandidates(text);
      if (candidates === null) {
        return c.json({ error: `At most ${MAX_TRICKLE_CANDIDATES} candidates in one PATCH` }, 413);
      }
      try {
        const reply = await found.viewer.call("trickle", {
          id: c.req.param("session"),
          ufrag,
          candidates,
        });
        switch (reply.result) {
          case "accepted":
            if (system.config.webrtc.ice_lite) return c.body(null, 204);
            // Ours, back in the same format (RFC 8840 §4.4): every one was in the answer too.
            return c.body(
              ["m=video 9 UDP/TLS/RTP/SAVPF 0", `a=mid:${reply.mid}`]
                .concat(reply.candidates.map((x) => `a=${x}`), ["a=end-of-candidates", ""])
                .join("\r\n"),
              200,
              { "content-type": SDP_FRAG },
            );
          case "not_found":
            return c.json({ error: "No such session" }, 404);
          case "ice_restart":
            return c.json({ error: "ICE restarts are not supported: POST a new offer" }, 422);
        }
      } catch (error) {
        return unavailable(c, error);
      }
    });
}
