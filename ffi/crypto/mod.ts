/**
 * Cryptography through OpenSSL's libcrypto where Deno's node:crypto would
 * allocate native objects per call (`ffi/crypto/`). Nothing here hands out a
 * pointer.
 *
 * @example An SRTP authentication tag (RFC 3711 4.2.1)
 * ```ts
 * const hmac = new HmacSha1(authKey);
 * const tag = hmac.sign(packet, packet.length).subarray(0, 10);
 * ```
 *
 * @module
 */
export { HmacSha1, SHA1_DIGEST_BYTES } from "./hmac_sha1.ts";
export { AES_128_KEY_BYTES, AES_BLOCK_BYTES, AesCtr128 } from "./aes_ctr.ts";
