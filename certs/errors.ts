/** A peer presented a certificate whose serial is on the CA's revocation list. */
export class RevokedCertificateError extends Error {
  override name = "RevokedCertificateError";
  readonly serial: string;
  readonly code = "ERR_EYRIE_CERT_REVOKED";
  constructor(serial: string, subject: string) {
    super(`The certificate "${subject}" (serial ${serial}) is revoked`);
    this.serial = serial;
  }
}

/** A server's certificate fingerprint matches none of the pins the client holds. */
export class PinMismatchError extends Error {
  override name = "PinMismatchError";
  readonly fingerprint256: string;
  readonly pins: readonly string[];
  readonly code = "ERR_EYRIE_PIN_MISMATCH";
  constructor(fingerprint256: string, pins: readonly string[]) {
    super(`The server certificate ${fingerprint256} matches none of the ${pins.length} pin(s)`);
    this.fingerprint256 = fingerprint256;
    this.pins = pins;
  }
}
