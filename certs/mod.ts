/**
 * eyrie's PKI and TLS: an installation CA (Ed25519 or P-256), server and
 * client certificates, a CA-signed revocation list checked on every
 * handshake, rotation without dropping connections, certificate pinning, and
 * node:tls / node:https option builders that speak TLS 1.3 only with mutual
 * authentication. `eyrie certs …` is `certsMain` in ui/cli/certs.ts.
 *
 * @module
 */
export { CaExistsError, type CaInfo, initCa, type InitCaOptions } from "./ca.ts";
export { CertExistsError, issueCert, type IssuedCert, type IssueRequest } from "./issue.ts";
export { type CertInfo, listCerts } from "./list.ts";
export { loadRevocations, type RevocationList, revokeCert, type RevokeResult } from "./revoke.ts";
export { REVOCATION_REASONS, type RevocationReason } from "./_crl.ts";
export { type RotateOptions, rotateServerCerts } from "./rotate.ts";
export { acceptPin, type Pins, readPins } from "./pins.ts";
export { fingerprint256, normalizeFingerprint, normalizeSerial } from "./fingerprint.ts";
export { KEY_ALGORITHMS, type KeyAlgorithm, parseKeyAlgorithm } from "./keys.ts";
export {
  CERT_KINDS,
  type CertKind,
  type CertPaths,
  certPaths,
  parseCertKind,
  validateName,
} from "./layout.ts";
export { defaultServerSans, parseSan, type San } from "./sans.ts";
export { DEFAULT_CA_DAYS, DEFAULT_LEAF_DAYS, MAX_VALIDITY_DAYS, validateDays } from "./validity.ts";
export { PinMismatchError, RevokedCertificateError } from "./errors.ts";
export {
  type ClientAuth,
  type ClientMaterial,
  clientOptions,
  type PeerIdentity,
  peerIdentity,
  type ServerChecks,
  type ServerMaterial,
  serverOptions,
  TLS_VERSION,
} from "./tls.ts";
export { loadServerTls, type ReloadEvent, ServerTls, type ServerTlsOptions } from "./server_tls.ts";
export { type ClientTlsOptions, loadClientTls } from "./client_tls.ts";
