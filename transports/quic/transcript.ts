// What each side signs. Deno 2.9's QUIC API neither asks for client
// certificates nor exposes the TLS exporter (RFC 5705 keying material), so
// the signatures cannot be bound to the QUIC handshake itself. They bind
// instead, for each side: the role (a server signature cannot be replayed as
// a client's), both fresh nonces (no replay from another connection), and
// both certificates (each side knows which certificate the other signed
// for). docs/security.md says what this leaves open.
//
//  "eyrie-quic-v1 " role | 0x00 | client nonce | server nonce
//    | u32 length | client certificate DER | u32 length | server certificate DER

const LABEL = "eyrie-quic-v1 ";

/** The bytes `role` signs. */
export function transcript(
  role: "server" | "client",
  parts: {
    clientNonce: Uint8Array;
    serverNonce: Uint8Array;
    clientCert: Uint8Array;
    serverCert: Uint8Array;
  },
): Uint8Array {
  const label = new TextEncoder().encode(LABEL + role);
  const { clientNonce, serverNonce, clientCert, serverCert } = parts;
  const out = new Uint8Array(
    label.length + 1 + clientNonce.length + serverNonce.length + 8 + clientCert.length +
      serverCert.length,
  );
  const view = new DataView(out.buffer);
  let at = 0;
  out.set(label, at);
  at += label.length + 1;
  out.set(clientNonce, at);
  at += clientNonce.length;
  out.set(serverNonce, at);
  at += serverNonce.length;
  view.setUint32(at, clientCert.length);
  out.set(clientCert, at + 4);
  at += 4 + clientCert.length;
  view.setUint32(at, serverCert.length);
  out.set(serverCert, at + 4);
  return out;
}
