import { FRAME_MAGIC, FRAME_VERSION } from "./frame.ts";

/** Bytes of the receiver's greeting (see frame.ts). */
export const HELLO_BYTES = 8;

/** The greeting a receiver writes once it admitted a sender. */
export function encodeHello(): Uint8Array {
  const hello = new Uint8Array(HELLO_BYTES);
  new DataView(hello.buffer).setUint32(0, FRAME_MAGIC);
  hello[4] = FRAME_VERSION;
  return hello;
}

/** Null if `bytes` (at least {@linkcode HELLO_BYTES}) start with a valid greeting, else why not. */
export function checkHello(bytes: Uint8Array): string | null {
  if (bytes.length < HELLO_BYTES) return `A greeting of "${bytes.length}" bytes is too short`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, HELLO_BYTES);
  const magic = view.getUint32(0);
  if (magic !== FRAME_MAGIC) {
    return `The receiver greeted with "0x${magic.toString(16)}": not an eyrie receiver`;
  }
  if (bytes[4] !== FRAME_VERSION) {
    return `The receiver speaks version "${bytes[4]}", not ${FRAME_VERSION}`;
  }
  if (bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    return "The greeting's reserved bytes are not 0";
  }
  return null;
}
