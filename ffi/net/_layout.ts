// Linux socket constants and struct layouts (LP64: x86_64 and aarch64 share
// them). tests/ffi/net/layout_test.ts checks every one against the installed
// C headers.
//
// struct sockaddr_in (16 bytes)        struct sockaddr_in6 (28 bytes)
//   +0 sa_family_t sin_family (host)     +0 sa_family_t sin6_family (host)
//   +2 in_port_t   sin_port   (network)  +2 in_port_t   sin6_port     (network)
//   +4 in_addr     sin_addr              +4 uint32_t    sin6_flowinfo
//   +8 zero[8]                           +8 in6_addr    sin6_addr     (16)
//                                       +24 uint32_t    sin6_scope_id
//
// struct msghdr (56 bytes)             struct cmsghdr, then its data
//   +0  void*     msg_name                +0  size_t cmsg_len
//   +8  socklen_t msg_namelen             +8  int    cmsg_level
//   +16 iovec*    msg_iov                 +12 int    cmsg_type
//   +24 size_t    msg_iovlen              +16 data (CMSG_DATA)
//   +32 void*     msg_control
//   +40 size_t    msg_controllen
//   +48 int       msg_flags

export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_DGRAM = 2;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;

export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_BROADCAST = 6;
export const SO_TYPE = 3;

export const IPPROTO_IP = 0;
export const IP_TOS = 1;
export const IP_TTL = 2;
export const IP_RECVTTL = 12;
export const IP_RECVTOS = 13;
export const IP_MULTICAST_IF = 32;
export const IP_MULTICAST_TTL = 33;
export const IP_MULTICAST_LOOP = 34;
export const IP_ADD_MEMBERSHIP = 35;

export const IPPROTO_IPV6 = 41;
export const IPV6_MULTICAST_IF = 17;
export const IPV6_MULTICAST_HOPS = 18;
export const IPV6_MULTICAST_LOOP = 19;
export const IPV6_JOIN_GROUP = 20;
export const IPV6_V6ONLY = 26;
export const IPV6_RECVHOPLIMIT = 51;
export const IPV6_HOPLIMIT = 52;
export const IPV6_RECVTCLASS = 66;
export const IPV6_TCLASS = 67;

export const POLLIN = 1;

// struct ip_mreqn: group, local address, interface index. struct ipv6_mreq:
// group (16 bytes), then the interface index.
export const IP_MREQN_BYTES = 12;
export const IMR_IFINDEX = 8;
export const IPV6_MREQ_BYTES = 20;
export const IPV6MR_INTERFACE = 16;

export const SOCKADDR_IN_BYTES = 16;
export const SOCKADDR_IN6_BYTES = 28;
export const SOCKADDR_STORAGE_BYTES = 128;
export const SIN6_ADDR = 8;
export const SIN6_SCOPE_ID = 24;

export const MSGHDR_BYTES = 56;
export const MSG_NAME = 0;
export const MSG_NAMELEN = 8;
export const MSG_IOV = 16;
export const MSG_IOVLEN = 24;
export const MSG_CONTROL = 32;
export const MSG_CONTROLLEN = 40;
export const IOVEC_BYTES = 16;
// struct mmsghdr (sendmmsg(2)): a msghdr, then the kernel's msg_len, padded to 8.
export const MMSGHDR_BYTES = 64;
export const CMSG_LEVEL = 8;
export const CMSG_TYPE = 12;
export const CMSG_DATA = 16;

export const EBADF = 9;
export const EINTR = 4;
export const EAGAIN = 11;
