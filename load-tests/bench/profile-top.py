"""Summarises an async-profiler collapsed-stack file (bench.sh --profile) as markdown: the share of CPU
samples under each area of the grab path (a stack counts once per area it passes through) and the
hottest frames by own time.

usage: profile-top.py FILE.collapsed [TOP]
"""
import collections
import sys

AREAS = [
    ("JWT check (Nimbus, RSA signature)", ("NimbusReactiveJwtDecoder", "RSASSAVerifier", "java/security/Signature")),
    ("Spring Security filter chain (all of it)", ("WebFilterChainProxy",)),
    ("rate limits (Bucket4j in Redis)", ("org/fairrush/web/RateLimits",)),
    ("grab handler and engine (fairrush code and below)", ("org/fairrush/voucher/Grabbing", "org/fairrush/rush/RushEngine")),
    ("Redis client (Lettuce)", ("io/lettuce/",)),
    ("Kafka producer (send, network thread)", ("org/apache/kafka/clients/producer", "kafka-producer-network-thread")),
    ("Kafka broker, in the same JVM (dev stack)", ("kafka/server", "kafka/network", "org/apache/kafka/storage", "kafka/log")),
    ("JSON (Jackson)", ("tools/jackson/",)),
    ("Netty and Reactor Netty I/O", ("io/netty/",)),
    ("logging (Logback)", ("ch/qos/logback",)),
    ("JIT compiler threads", ("CompileBroker",)),
    ("GC threads", ("G1", "GCTaskThread", "ConcurrentGCThread")),
]


def main(path, top):
    total = 0
    areas = collections.Counter()
    own = collections.Counter()
    with open(path) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            n = int(count)
            total += n
            for name, needles in AREAS:
                if any(needle in stack for needle in needles):
                    areas[name] += n
            own[stack.rsplit(";", 1)[-1]] += n
    print(f"{total:,} CPU samples (1 ms interval).\n")
    print("| area | share of samples |\n|---|---:|")
    for name, _ in AREAS:
        print(f"| {name} | {100.0 * areas[name] / total:.1f} % |")
    print(f"\nHottest frames by own time (top {top}):\n")
    print("| frame | own share |\n|---|---:|")
    for frame, n in own.most_common(top):
        print(f"| `{frame[:110]}` | {100.0 * n / total:.1f} % |")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25)
