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


def main(recording, top):
    self_time, total_time, samples = collections.Counter(), collections.Counter(), 0
    for stack in frames(recording):
        samples += 1
        self_time[stack[0]] += 1
        for method in set(stack):
            total_time[method] += 1
    print(f"# CPU profile of the durable grab (JFR, {samples} execution samples)\n")
    for title, counter in (("self time", self_time), ("total time (on the stack)", total_time)):
        print(f"## Top {top} by {title}\n\n| % | method |\n|---:|---|")
        for method, count in counter.most_common(top):
            print(f"| {100.0 * count / max(samples, 1):.1f} | `{method}` |")
        print()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25)
