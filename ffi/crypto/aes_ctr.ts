/**
 * AES-128 in counter mode (NIST SP 800-38A) through OpenSSL's libcrypto,
 * encrypting in place and allocating nothing per message: one
 * EVP_CIPHER_CTX per key, the counter block set per message.
 *
 * Why not node:crypto: Deno's `Cipheriv.update()` returns a new Buffer per
 * call (and for ECB, the mode an SRTP key stream would use there, copies
 * through a block cache first): per packet, kilobytes of ArrayBuffers that
 * the Worker frees only at its next collection. No pointer leaves this file.
 *
 * @module
 */

const SYMBOLS = {
  EVP_CIPHER_CTX_new: { parameters: [], result: "pointer" },
  EVP_CIPHER_CTX_free: { parameters: ["pointer"], result: "void" },
  EVP_aes_128_ctr: { parameters: [], result: "pointer" },
  EVP_EncryptInit_ex: {
    parameters: ["pointer", "pointer", "pointer", "buffer", "buffer"],
    result: "i32",
  },
  EVP_EncryptUpdate: {
    parameters: ["pointer", "buffer", "buffer", "buffer", "i32"],
    result: "i32",
  },
} as const;

/** AES-128's key and block sizes (FIPS 197). */
export const AES_128_KEY_BYTES = 16;
export const AES_BLOCK_BYTES = 16;
/** Largest message encrypted in one call: EVP_EncryptUpdate takes an int. */
const MAX_MESSAGE_BYTES = 2 ** 31 - 1;

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

// A context whose owner was collected without a dispose is freed here.
const orphans = new FinalizationRegistry<Deno.PointerObject>((ctx) =>
  libcrypto().EVP_CIPHER_CTX_free(ctx)
);

/** One AES-128-CTR key, encrypting messages one after another on one thread. */
export class AesCtr128 implements Disposable {
  #ctx: Deno.PointerObject | null;
  readonly #written = new Int32Array(1);

  constructor(key: Uint8Array) {
    if (key.byteLength !== AES_128_KEY_BYTES) {
      throw new RangeError(`An AES-128 key has 16 bytes, got ${key.byteLength}`);
    }
    const c = libcrypto();
    const ctx = c.EVP_CIPHER_CTX_new();
    if (ctx === null) throw new Error("OpenSSL's EVP_CIPHER_CTX_new failed");
    if (c.EVP_EncryptInit_ex(ctx, c.EVP_aes_128_ctr(), null, key, null) !== 1) {
      c.EVP_CIPHER_CTX_free(ctx);
      throw new Error("OpenSSL's EVP_EncryptInit_ex failed for AES-128-CTR");
    }
    this.#ctx = ctx;
    orphans.register(this, ctx, this);
  }

  /**
   * XORs `data` in place with the key stream that starts at the 16-byte
   * counter block `counter` (incremented as a 128-bit big-endian number per
   * block). Throws BadResource after dispose.
   */
  apply(data: Uint8Array, counter: Uint8Array): void {
    const ctx = this.#ctx;
    if (ctx === null) throw new Deno.errors.BadResource("The AES-CTR key is disposed");
    if (counter.byteLength !== AES_BLOCK_BYTES) {
      throw new RangeError(`A counter block has 16 bytes, got ${counter.byteLength}`);
    }
    if (data.byteLength > MAX_MESSAGE_BYTES) {
      throw new RangeError(`Cannot encrypt ${data.byteLength} bytes in one call`);
    }
    const c = libcrypto();
    // A new IV with no cipher and no key restarts the stream under the same key.
    if (c.EVP_EncryptInit_ex(ctx, null, null, null, counter) !== 1) {
      throw new Error("OpenSSL's EVP_EncryptInit_ex failed to set the counter");
    }
    if (c.EVP_EncryptUpdate(ctx, data, this.#written, data, data.byteLength) !== 1) {
      throw new Error("OpenSSL's EVP_EncryptUpdate failed");
    }
  }

  /** Frees the OpenSSL context; later calls do nothing. */
  [Symbol.dispose](): void {
    const ctx = this.#ctx;
    if (ctx === null) return;
    this.#ctx = null;
    orphans.unregister(this);
    libcrypto().EVP_CIPHER_CTX_free(ctx);
  }
}
