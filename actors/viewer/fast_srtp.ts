/**
 * A faster SRTP protect for werift's AES_CM_128_HMAC_SHA1_80, the profile
 * Chromium picks. Same bytes out as werift's (a test compares them), about
 * half the CPU: werift builds an AES-CTR cipher and an HMAC per packet, and
 * a BigInt for the counter; this keeps one AES-ECB cipher per session for
 * the key stream (RFC 3711 4.1.1: the counter blocks encrypted in ECB are the
 * CTR key stream) and HMAC-SHA1 states with the padded key already absorbed
 * (copied per packet), and writes the packet into one buffer.
 *
 * ```
 *  counter block j = (salt · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16) + j     (128 bits)
 *  index = ROC · 2^16 + SEQ
 *  out = header ‖ payload XOR AES-ECB(counter blocks) ‖ HMAC-SHA1(header ‖ cipher text ‖ ROC)[0..10)
 * ```
 *
 * Only the send side (encryptRtp) is replaced; decryption and SRTCP stay werift's.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { type Cipheriv, createCipheriv, createHash, type Hash } from "node:crypto";
import { SrtpSession } from "werift";

/** The RTP header werift hands to the cipher (its RtpHeader). */
interface HeaderLike {
  sequenceNumber: number;
  ssrc: number;
  serializeSize: number;
  serialize(size: number): Buffer;
}

/** The fields of werift's CipherAesCtr this file reads. */
interface CtrCipher {
  srtpSessionKey: Buffer;
  srtpSessionSalt: Buffer;
  srtpSessionAuthTag: Buffer;
  encryptRtp(header: HeaderLike, payload: Buffer, rolloverCounter: number): Buffer;
}

/** RFC 3711: an SRTP payload is at most 2^16 blocks; ours are ≤ 1200 bytes. Room for 9000. */
const MAX_BLOCKS = 9216 / 16;
const TAG_BYTES = 10;
const SHA1_BLOCK = 64;

interface State {
  ecb: Cipheriv;
  inner: Hash;
  outer: Hash;
  /** Counter blocks, rewritten per packet. */
  counters: Buffer;
  roc: Buffer;
}

const states = new WeakMap<CtrCipher, State>();
let installed = false;

function stateOf(c: CtrCipher): State {
  let s = states.get(c);
  if (s === undefined) {
    const ecb = createCipheriv("aes-128-ecb", c.srtpSessionKey, null);
    ecb.setAutoPadding(false);
    // HMAC (RFC 2104) with the key's padded blocks absorbed once.
    const key = Buffer.alloc(SHA1_BLOCK);
    c.srtpSessionAuthTag.copy(key);
    const ipad = Buffer.alloc(SHA1_BLOCK);
    const opad = Buffer.alloc(SHA1_BLOCK);
    for (let i = 0; i < SHA1_BLOCK; i++) {
      ipad[i] = key[i] ^ 0x36;
      opad[i] = key[i] ^ 0x5c;
    }
    s = {
      ecb,
      inner: createHash("sha1").update(ipad),
      outer: createHash("sha1").update(opad),
      counters: Buffer.alloc(MAX_BLOCKS * 16),
      roc: Buffer.alloc(4),
    };
    states.set(c, s);
  }
  return s;
}

/** SRTP-protects one packet; the same bytes as werift's CipherAesCtr.encryptRtp. */
export function protectRtp(
  c: CtrCipher,
  header: HeaderLike,
  payload: Buffer,
  rolloverCounter: number,
): Buffer {
  const blocks = (payload.length + 15) >> 4;
  if (blocks > MAX_BLOCKS) throw new RangeError(`An RTP payload of ${payload.length} bytes`);
  const s = stateOf(c);
  const headerBytes = header.serializeSize;
  const end = headerBytes + payload.length;
  const out = Buffer.allocUnsafe(end + TAG_BYTES);
  out.set(header.serialize(headerBytes), 0);
  // First counter block: salt XOR SSRC XOR index, low 16 bits 0; then +1 per block (j < 2^16).
  const salt = c.srtpSessionSalt;
  const ctr = s.counters;
  const ssrc = header.ssrc >>> 0;
  const roc = rolloverCounter >>> 0;
  const seq = header.sequenceNumber & 0xffff;
  for (let i = 0; i < 14; i++) ctr[i] = salt[i];
  ctr[4] ^= ssrc >>> 24;
  ctr[5] ^= (ssrc >>> 16) & 255;
  ctr[6] ^= (ssrc >>> 8) & 255;
  ctr[7] ^= ssrc & 255;
  ctr[8] ^= roc >>> 24;
  ctr[9] ^= (roc >>> 16) & 255;
  ctr[10] ^= (roc >>> 8) & 255;
  ctr[11] ^= roc & 255;
  ctr[12] ^= seq >>> 8;
  ctr[13] ^= seq & 255;
  ctr[14] = 0;
  ctr[15] = 0;
  for (let j = 1; j < blocks; j++) {
    const at = j * 16;
    for (let i = 0; i < 14; i++) ctr[at + i] = ctr[i];
    ctr[at + 14] = j >>> 8;
    ctr[at + 15] = j & 255;
  }
  const stream = s.ecb.update(ctr.subarray(0, blocks * 16));
  for (let i = 0; i < payload.length; i++) out[headerBytes + i] = payload[i] ^ stream[i];
  s.roc.writeUInt32BE(roc, 0);
  const inner = s.inner.copy().update(out.subarray(0, end)).update(s.roc).digest();
  s.outer.copy().update(inner).digest().copy(out, end, 0, TAG_BYTES);
  return out;
}

/** The prototype of werift's AES-CM cipher, reached through a throwaway session. */
function ctrPrototype(): CtrCipher {
  const zero = (n: number) => Buffer.alloc(n);
  const session = new SrtpSession({
    keys: {
      localMasterKey: zero(16),
      localMasterSalt: zero(14),
      remoteMasterKey: zero(16),
      remoteMasterSalt: zero(14),
    },
    profile: 1, // SRTP_AES128_CM_HMAC_SHA1_80
  });
  const context = session.localContext as unknown as { cipher: CtrCipher };
  return Object.getPrototypeOf(context.cipher) as CtrCipher;
}

/** werift's own AES-CM protect, for the test that compares the two. */
export let weriftProtectRtp: CtrCipher["encryptRtp"] | undefined;

/** Makes every werift AES-CM session in this Worker protect with {@linkcode protectRtp}. Idempotent. */
export function installFastSrtp(): void {
  if (installed) return;
  installed = true;
  const proto = ctrPrototype();
  weriftProtectRtp = proto.encryptRtp;
  proto.encryptRtp = function (this: CtrCipher, header, payload, rolloverCounter) {
    return protectRtp(this, header, payload, rolloverCounter);
  };
}
