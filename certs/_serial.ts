/**
 * Serial numbers are 16 random octets (RFC 5280 §4.1.2.2 allows up to 20 and
 * CA/B Forum asks for at least 64 random bits). The first octet has its top
 * bit clear (positive) and bit 4 set (its hex never starts with a zero), so
 * the hex form has one spelling in @peculiar/x509, node:tls and openssl.
 */
const SERIAL_OCTETS = 16;

/** A fresh random serial as lower-case hex, different from every one in `taken`. */
export function randomSerial(taken: ReadonlySet<string> = new Set()): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(SERIAL_OCTETS));
    bytes[0] = 0x10 | (bytes[0] & 0x6f);
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    if (!taken.has(hex.toUpperCase())) return hex;
  }
}
