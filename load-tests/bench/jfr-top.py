"""Summarises the CPU samples of a JFR recording as markdown: the hottest methods by self time and by
total time (the frame anywhere on the stack), so a run leaves a readable profile beside its numbers.

usage: jfr-top.py RECORDING.jfr [TOP]
"""
import collections
import json
import subprocess
import sys


def frames(recording):
    out = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", "--stack-depth", "64", recording],
                         check=True, capture_output=True, text=True).stdout
    for event in json.loads(out)["recording"]["events"]:
        stack = event["values"]["stackTrace"]
        if not stack:
            continue
        yield [f"{f['method']['type']['name']}.{f['method']['name']}" for f in stack["frames"]]


# Where a sample's own (top) frame lives, by package prefix: the first match wins.
AREAS = [
    ("java/math/", "RSA signature check of the JWT (BigInteger)"),
    ("sun/security/", "JDK security (signatures, digests)"),
    ("com/nimbusds/", "JWT parsing and validation (Nimbus)"),
    ("org/springframework/security/", "Spring Security filters"),
    ("org/apache/kafka/clients/", "Kafka client (producer/consumer)"),
    ("org/apache/kafka/", "embedded Kafka broker"),
    ("kafka/", "embedded Kafka broker"),
    ("scala/", "embedded Kafka broker"),
    ("reactor/kafka/", "reactor-kafka"),
    ("io/lettuce/", "Redis client (Lettuce)"),
    ("org/springframework/data/redis/", "Spring Data Redis"),
    ("io/r2dbc/", "R2DBC / Postgres driver"),
    ("tools/jackson/", "JSON (Jackson 3)"),
    ("com/fasterxml/jackson/", "JSON (Jackson 2)"),
    ("io/netty/", "Netty I/O"),
    ("reactor/netty/", "Reactor Netty (HTTP server)"),
    ("reactor/core/", "Reactor operators"),
    ("org/springframework/web/", "Spring WebFlux"),
    ("org/springframework/http/", "Spring WebFlux"),
    ("org/springframework/", "other Spring"),
    ("org/fairrush/", "fairrush code"),
    ("io/micrometer/", "Micrometer metrics"),
    ("java/", "JDK (collections, strings, time, ...)"),
    ("jdk/", "JDK (collections, strings, time, ...)"),
    ("sun/", "JDK (collections, strings, time, ...)"),
]


def area(method):
    for prefix, name in AREAS:
        if method.startswith(prefix):
            return name
    return "other"


def main(recording, top):
    self_time, total_time, areas, samples = collections.Counter(), collections.Counter(), collections.Counter(), 0
    for stack in frames(recording):
        samples += 1
        self_time[stack[0]] += 1
        areas[area(stack[0])] += 1
        for method in set(stack):
            total_time[method] += 1
    print(f"# CPU profile of the durable grab (JFR, {samples} execution samples)\n")
    print("## Self time by area\n\n| % | area |\n|---:|---|")
    for name, count in areas.most_common():
        print(f"| {100.0 * count / max(samples, 1):.1f} | {name} |")
    print()
    total_time = collections.Counter({m: c for m, c in total_time.items() if m.startswith("org/fairrush/")})
    for title, counter in (("self time", self_time), ("total time, fairrush methods (on the stack)", total_time)):
        print(f"## Top {top} by {title}\n\n| % | method |\n|---:|---|")
        for method, count in counter.most_common(top):
            print(f"| {100.0 * count / max(samples, 1):.1f} | `{method}` |")
        print()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25)
