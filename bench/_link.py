#!/usr/bin/python3
"""A lossy, slow IP link between two network namespaces, in user space.

This kernel has no sch_netem (CONFIG_NET_SCH_NETEM is not set), so
`tc netem` cannot run here. This does what `tc qdisc add dev X root netem
delay D loss L` on one side would: it owns two TUN devices, moves each
packet from one to the other after a fixed delay, and drops a seeded random
fraction, per direction. Usage (as root):

  _link.py TUN_A TUN_B      creates both devices, prints "ready"; the caller
                            moves them into namespaces and sets addresses.
  stdin: "set AB_DELAY_MS AB_LOSS_PCT BA_DELAY_MS BA_LOSS_PCT SEED"
         "stats"            prints "stats AB_IN AB_DROPPED BA_IN BA_DROPPED"
  EOF on stdin ends it.

A fixed delay keeps packets in order (a FIFO per direction), as netem's does
without jitter.
"""
import fcntl
import heapq
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    os.set_blocking(fd, False)
    return fd


def main():
    a, b = tun(sys.argv[1]), tun(sys.argv[2])
    print("ready", flush=True)
    conf = {a: [0.0, 0.0], b: [0.0, 0.0]}  # per source fd: delay s, loss fraction
    counts = {a: [0, 0], b: [0, 0]}  # per source fd: packets in, dropped
    rng = random.Random(1)
    queue = []  # (due, n, out fd, packet)
    n = 0
    stdin = sys.stdin.fileno()
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
        ready, _, _ = select.select([a, b, stdin], [], [], timeout)
        now = time.monotonic()
        for fd in ready:
            if fd == stdin:
                line = sys.stdin.readline()
                if line == "":
                    return
                words = line.split()
                if words[0] == "set":
                    ab_d, ab_l, ba_d, ba_l, seed = (float(w) for w in words[1:6])
                    conf[a] = [ab_d / 1000, ab_l / 100]
                    conf[b] = [ba_d / 1000, ba_l / 100]
                    rng = random.Random(int(seed))
                    counts[a] = [0, 0]
                    counts[b] = [0, 0]
                    print("ok", flush=True)
                elif words[0] == "stats":
                    print("stats", *counts[a], *counts[b], flush=True)
                continue
            out = b if fd == a else a
            delay, loss = conf[fd]
            while True:
                try:
                    packet = os.read(fd, 65536)
                except BlockingIOError:
                    break
                counts[fd][0] += 1
                if rng.random() < loss:
                    counts[fd][1] += 1
                    continue
                n += 1
                heapq.heappush(queue, (now + delay, n, out, packet))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, packet = heapq.heappop(queue)
            try:
                os.write(out, packet)
            except OSError:
                pass  # the device is down between rows: the packet is lost, as on a cable


main()
