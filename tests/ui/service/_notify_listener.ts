/**
 * A stand-in for systemd's notify socket: binds a unix datagram socket at
 * Deno.args[0] and prints "listening", then every datagram as a JSON string,
 * one per line. Run with --unstable-net (Deno's unix datagrams need it).
 */
const path = Deno.args[0];
const conn = Deno.listenDatagram({ transport: "unixpacket", path });
const out = (line: string) => Deno.stdout.writeSync(new TextEncoder().encode(line + "\n"));
out("listening");
for (;;) {
  const [data] = await conn.receive();
  out(JSON.stringify(new TextDecoder().decode(data)));
}
