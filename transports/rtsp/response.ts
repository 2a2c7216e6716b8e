/**
 * RTSP responses (RFC 2326 7): status line, CSeq, headers, an optional
 * body with its Content-Length. Pure: values in, bytes out.
 *
 * @module
 */

/** The status codes eyrie sends, with RFC 2326's reason phrases (11). */
export const STATUS_TEXT = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Request Entity Too Large",
  414: "Request-URI Too Large",
  451: "Parameter Not Understood",
  454: "Session Not Found",
  455: "Method Not Valid in This State",
  459: "Aggregate Operation Not Allowed",
  461: "Unsupported Transport",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  505: "RTSP Version Not Supported",
} as const;
export type RtspStatus = keyof typeof STATUS_TEXT;

export interface RtspResponse {
  status: RtspStatus;
  /** The request's CSeq; null for a request whose CSeq could not be read. */
  cseq: number | null;
  /** In order, after CSeq. Names and values must be one line each. */
  headers?: readonly (readonly [string, string])[];
  /** A body (SDP, or a reason as text/plain); Content-Length is added. */
  body?: string;
  /** Content-Type of the body. Default text/plain for a body. */
  contentType?: string;
}

const NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// deno-lint-ignore no-control-regex
const LINE_BREAK_OR_CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

const encoder = new TextEncoder();

/**
 * The bytes of `response`. Throws TypeError for a header that would break
 * the framing (a line break in a value: a client's text must never reach a
 * header unchecked).
 */
export function writeResponse(response: RtspResponse): Uint8Array {
  const lines = [`RTSP/1.0 ${response.status} ${STATUS_TEXT[response.status]}`];
  if (response.cseq !== null) lines.push(`CSeq: ${response.cseq}`);
  for (const [name, value] of response.headers ?? []) {
    if (!NAME.test(name)) throw new TypeError(`${JSON.stringify(name)} is not a header name`);
    if (LINE_BREAK_OR_CONTROL.test(value)) {
      throw new TypeError(`The ${name} header's value ${JSON.stringify(value)} is not one line`);
    }
    lines.push(`${name}: ${value}`);
  }
  const body = response.body === undefined ? null : encoder.encode(response.body);
  if (body !== null && body.length > 0) {
    lines.push(`Content-Type: ${response.contentType ?? "text/plain; charset=utf-8"}`);
    lines.push(`Content-Length: ${body.length}`);
  }
  const head = encoder.encode(lines.join("\r\n") + "\r\n\r\n");
  if (body === null || body.length === 0) return head;
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}
