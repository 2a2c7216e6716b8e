/**
 * HMAC-SHA1 (RFC 2104) through OpenSSL's libcrypto, allocating nothing per
 * message: the key's padded blocks are absorbed once into two SHA_CTX
 * templates, and each message copies them into a work context, hashes in
 * place and leaves its digest in a buffer the instance owns.
 *
 * Why not node:crypto: in Deno, `createHash(…).copy()` and `createHmac()`
 * make a native hasher per call, held by a V8-managed wrapper that only a
 * full garbage collection frees. An SRTP sender hashes every packet, and a
 * Worker that allocates little JavaScript runs few full collections, so the
 * hashers (about 200 bytes of malloc each, two per packet) piled up in the
 * Worker's malloc arena: megabytes a minute per viewer (bench/README.md,
 * memgrowth). No pointer leaves this file.
 *
 * ```
 *  SHA_CTX (openssl/sha.h), 96 bytes:
 *   0      20     24     28                          92     96
 *   ┌──────┬──────┬──────┬───────────────────────────┬──────┐
 *   │h0..h4│  Nl  │  Nh  │ data[16] (the open block) │ num  │
 *   └──────┴──────┴──────┴───────────────────────────┴──────┘
 * ```
 *
 * @module
 */
import { usize as size } from "../libc/usize.ts";

const SYMBOLS = {
  SHA1_Init: { parameters: ["buffer"], result: "i32" },
  SHA1_Update: { parameters: ["buffer", "buffer", "usize"], result: "i32" },
  SHA1_Final: { parameters: ["buffer", "buffer"], result: "i32" },
} as const;

/** sizeof(SHA_CTX) on every ABI OpenSSL 3 builds for (its fields are 32-bit). */
const SHA_CTX_BYTES = 96;
/** SHA-1's block and digest sizes (FIPS 180-4). */
const BLOCK_BYTES = 64;
export const SHA1_DIGEST_BYTES = 20;

let loaded: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] | undefined;

function libcrypto(): Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] {
  if (loaded === undefined) {
    try {
      loaded = Deno.dlopen("libcrypto.so.3", SYMBOLS).symbols;
    } catch (e) {
      throw new Error(
        `Cannot load OpenSSL's libcrypto.so.3 (Debian package libssl3): ${(e as Error).message}`,
      );
    }
  }
  return loaded;
}

function check(ok: number, what: string): void {
  if (ok !== 1) throw new Error(`OpenSSL's ${what} failed`);
}

/** One HMAC-SHA1 key, ready to sign messages one after another on one thread. */
export class HmacSha1 {
  readonly #inner = new Uint8Array(SHA_CTX_BYTES);
  readonly #outer = new Uint8Array(SHA_CTX_BYTES);
  readonly #work = new Uint8Array(SHA_CTX_BYTES);
  readonly #digest = new Uint8Array(SHA1_DIGEST_BYTES);

  constructor(key: Uint8Array) {
    const c = libcrypto();
    const padded = new Uint8Array(BLOCK_BYTES);
    if (key.byteLength > BLOCK_BYTES) {
      // RFC 2104 2: a key longer than a block is hashed first.
      check(c.SHA1_Init(this.#work), "SHA1_Init");
      check(c.SHA1_Update(this.#work, key, size(key.byteLength)), "SHA1_Update");
      check(c.SHA1_Final(padded, this.#work), "SHA1_Final");
    } else padded.set(key);
    const pad = new Uint8Array(BLOCK_BYTES);
    for (const [ctx, byte] of [[this.#inner, 0x36], [this.#outer, 0x5c]] as const) {
      for (let i = 0; i < BLOCK_BYTES; i++) pad[i] = padded[i] ^ byte;
      check(c.SHA1_Init(ctx), "SHA1_Init");
      check(c.SHA1_Update(ctx, pad, size(BLOCK_BYTES)), "SHA1_Update");
    }
  }

  /**
   * The HMAC of `data[0..length)`: a 20-byte view owned by this instance,
   * overwritten by the next call. RangeError when `length` exceeds `data`.
   */
  sign(data: Uint8Array, length: number): Uint8Array {
    if (!(length >= 0 && length <= data.byteLength)) {
      throw new RangeError(`Cannot sign ${length} bytes of a ${data.byteLength}-byte buffer`);
    }
    const c = libcrypto();
    const work = this.#work;
    const digest = this.#digest;
    work.set(this.#inner);
    check(c.SHA1_Update(work, data, size(length)), "SHA1_Update");
    check(c.SHA1_Final(digest, work), "SHA1_Final");
    work.set(this.#outer);
    check(c.SHA1_Update(work, digest, size(SHA1_DIGEST_BYTES)), "SHA1_Update");
    check(c.SHA1_Final(digest, work), "SHA1_Final");
    return digest;
  }
}
