/**
 * The few DER pieces @peculiar/x509 has no class for. RFC 5280 §5.2.3: a CRL
 * number is a non-negative INTEGER of at most 20 octets.
 */
const MAX_CRL_NUMBER_OCTETS = 20;
const INTEGER_TAG = 0x02;

/** DER-encodes a non-negative integer of at most 20 octets. */
export function encodeCrlNumber(value: bigint): Uint8Array<ArrayBuffer> {
  if (value < 0n) throw new RangeError(`CRL number ${value} is negative`);
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = (hex.match(/../g) ?? []).map((pair) => parseInt(pair, 16));
  if (bytes[0] >= 0x80) bytes.unshift(0); // keep it positive
  if (bytes.length > MAX_CRL_NUMBER_OCTETS + 1) {
    throw new RangeError(`CRL number ${value} exceeds ${MAX_CRL_NUMBER_OCTETS} octets`);
  }
  return Uint8Array.from([INTEGER_TAG, bytes.length, ...bytes]);
}

/** Decodes a DER INTEGER written by {@linkcode encodeCrlNumber}; throws a SyntaxError otherwise. */
export function decodeCrlNumber(der: Uint8Array): bigint {
  const length = der[1];
  if (
    der.length < 3 || der[0] !== INTEGER_TAG || length !== der.length - 2 ||
    length > MAX_CRL_NUMBER_OCTETS + 1 || der[2] >= 0x80
  ) {
    throw new SyntaxError("Malformed CRL number extension");
  }
  let value = 0n;
  for (const byte of der.subarray(2)) value = (value << 8n) | BigInt(byte);
  return value;
}
