// Run by batch_send_test.ts with eyrie's own permissions: finds node:dgram's socket, prints the verdict.
import dgram from "node:dgram";
import { findUdpDescriptor } from "../../../ffi/net/mod.ts";

const socket = dgram.createSocket("udp4");
await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
const fd = findUdpDescriptor({ family: 4, address: "127.0.0.1", port: socket.address().port });
console.log(fd >= 0 ? "found" : "not found");
socket.close();
