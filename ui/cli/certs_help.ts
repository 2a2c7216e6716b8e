/** `eyrie certs --help` and each subcommand's `--help`. */
export const HELP = {
  certs: `Usage: eyrie certs <command> [options]

Manage this installation's PKI: a CA, server and client certificates for
TLS 1.3 with mutual authentication, revocation, rotation and pinning.
Files live in <data dir>/certs/ (directory 0700, every file 0600).

Commands:
  init     Create the CA
  issue    Issue a server or client certificate
  list     List the CA and the issued certificates
  revoke   Revoke a certificate by name or serial
  rotate   Replace server certificates (running servers pick them up)
  pin      Print fingerprints to pin, or accept a remote server's pin

Run "eyrie certs <command> --help" for its options.`,
  init: `Usage: eyrie certs init [--algorithm ed25519|p256] [--name NAME] [--days N] [--force]

Create this installation's CA: ca.crt, ca.key (0600) and an empty signed
revocation list ca.crl.

Options:
  --algorithm A  ed25519 (default) or p256 (ECDSA P-256, for older peers)
  --name NAME    CA common name (default "eyrie CA <hostname>")
  --days N       validity in days (default 3650)
  --force        replace an existing CA; the old certs directory is moved
                 aside to certs.replaced-<time>, nothing is deleted`,
  issue: `Usage: eyrie certs issue server|client NAME [--san NAME_OR_IP]... [--days N]

Issue a certificate signed by the CA, written to <kind>/NAME.crt and
<kind>/NAME.key (0600). A client certificate's NAME is the user name it logs
in as. Refuses to replace a certificate that is neither revoked nor expired.

Options:
  --san VALUE        add a DNS name or IP (repeatable, or comma-separated);
                     a server always gets localhost, 127.0.0.1, ::1 and the
                     host name (and <host>.local) unless --no-default-sans
  --no-default-sans  server only: use just the --san values
  --days N           validity in days (default 365)`,
  list: `Usage: eyrie certs list [--json] [--all]

List the CA and issued certificates: kind, name, serial, validity, status
(valid, expired, revoked) and SHA-256 fingerprint.

Options:
  --json  one JSON array instead of a table
  --all   include replaced certificates kept in archive/`,
  revoke: `Usage: eyrie certs revoke NAME|SERIAL [--reason REASON]

Put a certificate on the CA-signed revocation list (ca.crl). Servers check
it on every handshake; a watching server also drops live connections made
with it.

Options:
  --reason R  keyCompromise, affiliationChanged, superseded,
              cessationOfOperation (default) or privilegeWithdrawn`,
  rotate: `Usage: eyrie certs rotate [NAME]... [--days N] [--within DAYS]

Issue a new key and certificate for server certificates (all, or the NAMEs),
keeping their names and SANs. The old ones move to archive/ and stay valid
until they expire; a running eyrie switches new connections to the new
certificate without dropping live ones. Pinned clients need the new pin.

Options:
  --days N         validity of the new certificates (default 365)
  --within DAYS    only those that expire within DAYS days`,
  pin: `Usage: eyrie certs pin
       eyrie certs pin --accept FINGERPRINT --name NAME

Without options: print the SHA-256 fingerprints of the CA and the server
certificates (what a remote pins) and the pins accepted here.
With --accept: trust only a server whose certificate has this SHA-256
fingerprint when connecting to the remote NAME (several pins per NAME are
allowed, so a remote can rotate).`,
} as const;
