import assert from "node:assert/strict";
import * as layout from "../../../ffi/net/_layout.ts";

// Every constant of ffi/net/_layout.ts with the C expression that defines it.
const CASES: Record<keyof typeof layout, string> = {
  AF_INET: "AF_INET",
  AF_INET6: "AF_INET6",
  SOCK_DGRAM: "SOCK_DGRAM",
  SOCK_NONBLOCK: "SOCK_NONBLOCK",
  SOCK_CLOEXEC: "SOCK_CLOEXEC",
  SOL_SOCKET: "SOL_SOCKET",
  SO_REUSEADDR: "SO_REUSEADDR",
  SO_SNDBUF: "SO_SNDBUF",
  SO_RCVBUF: "SO_RCVBUF",
  SO_BROADCAST: "SO_BROADCAST",
  SO_TYPE: "SO_TYPE",
  IPPROTO_IP: "IPPROTO_IP",
  IP_TOS: "IP_TOS",
  IP_TTL: "IP_TTL",
  IP_RECVTTL: "IP_RECVTTL",
  IP_RECVTOS: "IP_RECVTOS",
  IP_MULTICAST_IF: "IP_MULTICAST_IF",
  IP_MULTICAST_TTL: "IP_MULTICAST_TTL",
  IP_MULTICAST_LOOP: "IP_MULTICAST_LOOP",
  IP_ADD_MEMBERSHIP: "IP_ADD_MEMBERSHIP",
  IPPROTO_IPV6: "IPPROTO_IPV6",
  IPV6_MULTICAST_HOPS: "IPV6_MULTICAST_HOPS",
  IPV6_MULTICAST_LOOP: "IPV6_MULTICAST_LOOP",
  IPV6_JOIN_GROUP: "IPV6_JOIN_GROUP",
  IPV6_V6ONLY: "IPV6_V6ONLY",
  IPV6_RECVHOPLIMIT: "IPV6_RECVHOPLIMIT",
  IPV6_HOPLIMIT: "IPV6_HOPLIMIT",
  IPV6_RECVTCLASS: "IPV6_RECVTCLASS",
  IPV6_TCLASS: "IPV6_TCLASS",
  IPV6_MULTICAST_IF: "IPV6_MULTICAST_IF",
  POLLIN: "POLLIN",
  IP_MREQN_BYTES: "sizeof(struct ip_mreqn)",
  IMR_IFINDEX: "offsetof(struct ip_mreqn, imr_ifindex)",
  IPV6_MREQ_BYTES: "sizeof(struct ipv6_mreq)",
  IPV6MR_INTERFACE: "offsetof(struct ipv6_mreq, ipv6mr_interface)",
  SOCKADDR_IN_BYTES: "sizeof(struct sockaddr_in)",
  SOCKADDR_IN6_BYTES: "sizeof(struct sockaddr_in6)",
  SOCKADDR_STORAGE_BYTES: "sizeof(struct sockaddr_storage)",
  SIN6_ADDR: "offsetof(struct sockaddr_in6, sin6_addr)",
  SIN6_SCOPE_ID: "offsetof(struct sockaddr_in6, sin6_scope_id)",
  MSGHDR_BYTES: "sizeof(struct msghdr)",
  MSG_NAME: "offsetof(struct msghdr, msg_name)",
  MSG_NAMELEN: "offsetof(struct msghdr, msg_namelen)",
  MSG_IOV: "offsetof(struct msghdr, msg_iov)",
  MSG_IOVLEN: "offsetof(struct msghdr, msg_iovlen)",
  MSG_CONTROL: "offsetof(struct msghdr, msg_control)",
  MSG_CONTROLLEN: "offsetof(struct msghdr, msg_controllen)",
  IOVEC_BYTES: "sizeof(struct iovec)",
  MMSGHDR_BYTES: "sizeof(struct mmsghdr)",
  CMSG_LEVEL: "offsetof(struct cmsghdr, cmsg_level)",
  CMSG_TYPE: "offsetof(struct cmsghdr, cmsg_type)",
  CMSG_DATA: "CMSG_LEN(0)",
  EBADF: "EBADF",
  EINTR: "EINTR",
  EAGAIN: "EAGAIN",
};

function commandWorks(command: string, args: string[]): boolean {
  try {
    return new Deno.Command(command, { args, stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

const skip = commandWorks("cc", ["--version"]) ? "" : "no C compiler (cc)";

function cProgram(): string {
  return [
    "#define _GNU_SOURCE",
    "#include <errno.h>",
    "#include <netinet/in.h>",
    "#include <poll.h>",
    "#include <stddef.h>",
    "#include <stdio.h>",
    "#include <sys/socket.h>",
    "#include <sys/uio.h>",
    "int main(void) {",
    ...Object.entries(CASES).map(([name, expr]) =>
      `  printf("${name}=%llu\\n", (unsigned long long) (${expr}));`
    ),
    "  return 0;",
    "}",
  ].join("\n");
}

Deno.test({
  name: "every socket constant and struct offset in ffi/net/_layout.ts matches the C headers" +
    (skip === "" ? "" : ` (skipped: ${skip})`),
  ignore: skip !== "",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "eyrie-net-layout-" });
    try {
      await Deno.writeTextFile(`${dir}/layout.c`, cProgram());
      const compile = await new Deno.Command("cc", {
        args: [`${dir}/layout.c`, "-o", `${dir}/layout`],
      }).output();
      assert.ok(compile.success, new TextDecoder().decode(compile.stderr));
      const run = await new Deno.Command(`${dir}/layout`).output();
      assert.ok(run.success);
      const measured = new Map(
        new TextDecoder().decode(run.stdout).trim().split("\n").map((line) => {
          const [name, value] = line.split("=");
          return [name, BigInt(value)] as const;
        }),
      );
      for (const [name, value] of Object.entries(layout)) {
        assert.equal(measured.get(name), BigInt(value), `${name} in _layout.ts`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
