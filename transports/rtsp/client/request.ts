/**
 * RTSP requests as a client sends them (RFC 2326 6): request line, CSeq,
 * headers. Pure: values in, bytes out.
 *
 * @module
 */

const METHOD = /^[A-Z_]+$/;
const NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;
const encoder = new TextEncoder();

/** The bytes of one request without a body; TypeError for a value that would break the framing. */
export function writeRequest(
  method: string,
  uri: string,
  options: { cseq: number; headers?: readonly (readonly [string, string])[] },
): Uint8Array {
  if (!METHOD.test(method)) throw new TypeError(`${JSON.stringify(method)} is not a method`);
  if (CONTROL.test(uri) || uri.includes(" ")) {
    throw new TypeError(`The request URI ${JSON.stringify(uri)} is not one token`);
  }
  const lines = [`${method} ${uri} RTSP/1.0`, `CSeq: ${options.cseq}`];
  for (const [name, value] of options.headers ?? []) {
    if (!NAME.test(name) || CONTROL.test(value)) {
      throw new TypeError(`The header ${JSON.stringify(`${name}: ${value}`)} is not one line`);
    }
    lines.push(`${name}: ${value}`);
  }
  return encoder.encode(lines.join("\r\n") + "\r\n\r\n");
}
