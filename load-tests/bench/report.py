"""Renders bench.sh's results (one JSON file per step in a folder) as markdown and puts it into
docs/benchmarks.md between the markers <!-- bench:results:begin --> and <!-- bench:results:end -->.

usage: report.py RESULTS_DIR BENCHMARKS_MD
"""
import json
import os
import sys

BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"

STEPS = [
    ("trivial", "(1) trivial endpoint: GET /actuator/health/liveness", "wrk"),
    ("grab", "(2) durable grab: Lua + Kafka ack + 201, large stock", "wrk"),
    ("grab_half", "(2b) durable grab at half of (2)'s rate, fixed arrival rate", "Gatling"),
    ("soldout", "(3) sold-out grab: 409 SOLD_OUT", "wrk"),
    ("redis", "(4) Redis ceiling: EVALSHA claim.lua", "redis-benchmark"),
    ("naive", "(5) naive peer over HTTP: JWT + one Postgres UPDATE ... WHERE remaining > 0 + INSERT + 201", "wrk"),
    ("naive_pgbench", "(5b) the same SQL without HTTP, JSON or JWT (information only)", "pgbench"),
    ("persister", "(6) persister: claims stored in Postgres from a pre-filled topic", "SQL count"),
]


def load(folder, name):
    path = os.path.join(folder, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def ms(value):
    return "-" if value is None else f"{value:.1f}"


def ratio(a, b):
    if not a or not b or not b.get("rps"):
        return "-"
    return f"{a['rps'] / b['rps']:.2f}"


def render(folder):
    run = load(folder, "run")
    lines = [f"### Run of {run['date']}" + (f": {run['note']}" if run.get("note") else ""), ""]
    lines += [f"- machine: {run['machine']}", f"- java: {run['java']}",
              f"- settings: {run['settings']}",
              f"- load average when the run started: {run['loadavg']}", ""]
    lines += ["| step | tool | throughput (/s) | p50 (ms) | p99 (ms) | answers | load avg before |",
              "|---|---|---:|---:|---:|---|---|"]
    results = {}
    for key, title, tool in STEPS:
        r = load(folder, key)
        results[key] = r
        if r is None:
            lines.append(f"| {title} | {tool} | not run | | | | |")
            continue
        lines.append(f"| {title} | {tool} | {r['rps']:,.0f} | {ms(r.get('p50_ms'))} | {ms(r.get('p99_ms'))} | "
                     f"{r.get('answers', '')} | {r.get('loadavg', '')} |")
    lines += ["", "| ratio | value | target |", "|---|---:|---|",
              f"| (2)/(1) durable grab / trivial endpoint | {ratio(results['grab'], results['trivial'])} | >= 0.50 |",
              f"| (3)/(1) sold-out / trivial endpoint | {ratio(results['soldout'], results['trivial'])} | >= 0.80 |",
              f"| (2)/(5) durable grab / naive peer over HTTP | {ratio(results['grab'], results['naive'])} | >= 5 |",
              f"| (2)/(4) durable grab / Redis ceiling | {ratio(results['grab'], results['redis'])} | (how close to Redis) |",
              f"| (2b) grab p99 at half the throughput | {ms(results['grab_half']['p99_ms']) + ' ms' if results['grab_half'] else '-'} | <= 50 ms |",
              f"| (6) persister claims/s | {results['persister']['rps']:,.0f} | >= 20,000 |" if results['persister'] else
              "| (6) persister claims/s | - | >= 20,000 |"]
    checks = load(folder, "checks")
    if checks:
        lines += ["", f"Invariants after the run: {checks['summary']}"]
    return "\n".join(lines) + "\n"


def main(folder, target):
    block = render(folder)
    text = open(target).read() if os.path.exists(target) else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(target, "w") as f:
        f.write(head + BEGIN + "\n" + block + END + tail)
    sys.stdout.write(block)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
