"""Renders bench.sh's results (one JSON file per step in a folder) as markdown and puts it into
docs/benchmarks.md between the markers <!-- bench:results:begin --> and <!-- bench:results:end -->.

usage: report.py RESULTS_DIR BENCHMARKS_MD
"""
import json
import statistics
import os
import sys

BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"

STEPS = [
    ("ref_plain", "(0a) reference: plain WebFlux handler answering \"ok\" (no actuator)", "wrk"),
    ("ref_liveness", "(0b) reference: plain Boot webflux + actuator, GET /actuator/health/liveness", "wrk"),
    ("trivial", "(1) trivial endpoint: GET /actuator/health/liveness", "wrk"),
    ("grab", "(2) durable grab: Lua + Kafka ack + 201, large stock", "wrk"),
    ("grab_fresh", "(2f) durable grab, a fresh token on every request (worst case for the token cache)", "wrk"),
    ("grab_half", "(2b) durable grab at half of (2)'s rate, fixed arrival rate", "Gatling"),
    ("ref_plain_half", "(0a-2b) reference: the plain handler at (2b)'s rate, fixed arrival rate (what the load tool and the machine add)", "Gatling"),
    ("soldout", "(3) sold-out grab: 409 SOLD_OUT", "wrk"),
    ("redis", "(4) Redis ceiling: EVALSHA claim.lua", "redis-benchmark"),
    ("naive", "(5) naive peer over HTTP: JWT + one Postgres UPDATE ... WHERE remaining > 0 + INSERT + 201, Postgres flushing its commits", "wrk"),
    ("naive_nofsync", "(5') the naive peer again, Postgres with fsync and synchronous_commit off (information only)", "wrk"),
    ("naive_pgbench", "(5b) the same SQL without HTTP, JSON or JWT (information only)", "pgbench"),
    ("persister", "(6) persister: claims stored in Postgres from a pre-filled topic, Postgres flushing its commits", "SQL count"),
    ("persister_nofsync", "(6') the persister again, Postgres with fsync and synchronous_commit off (information only)", "SQL count"),
    ("ref_plain_end", "(0a') reference (0a) again, after the last HTTP step", "wrk"),
    ("ref_liveness_end", "(0b') reference (0b) again, after the last HTTP step", "wrk"),
]
# The steps given as a ratio to the reference apps (HTTP over the same stack on the same machine).
HTTP_STEPS = ("trivial", "grab", "grab_fresh", "soldout", "naive", "naive_nofsync")


def load(folder, name):
    path = os.path.join(folder, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def ms(value):
    return "-" if value is None else f"{value:.1f}"


def half_p99(result):
    """(2b)'s p99, or why it is not the grab's: over 1 % of its requests failed."""
    if not result:
        return '-'
    failed = result.get('failed_pct', 0) or 0
    if failed > 1:
        return f"not valid: {failed:.1f} % failed (p99 {ms(result['p99_ms'])} ms)"
    return ms(result['p99_ms']) + ' ms'


def ratio(a, b):
    """a's throughput over b's; below 1 with three decimals, so that a ratio just short of a target written with two
    (0.116 against ">= 0.12") is not rounded up to it."""
    if not a or not b or not b.get("rps"):
        return "-"
    value = a['rps'] / b['rps']
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def reference(results, key):
    """
    The higher throughput of a reference app's two measurements (or the one that ran). Both ways a measurement of a
    reference falls short of what the stack can do (its JIT still warming up, before the first; the machine busier,
    at the second) would flatter every ratio to it, and the mean kept half of that (session j: plain Boot liveness
    6,884/s, then 10,450/s).
    """
    values = [r["rps"] for r in (results.get(key), results.get(key + "_end")) if r]
    return {"rps": max(values)} if values else None


def render(folder):
    run = load(folder, "run")
    lines = [f"### Run of {run['date']}" + (f": {run['note']}" if run.get("note") else ""), ""]
    lines += [f"- machine: {run['machine']}", f"- java: {run['java']}",
              f"- settings: {run['settings']}",
              f"- load average when the run started: {run['loadavg']}", ""]
    lines += ["| step | tool | throughput (/s) | ÷ (0a) plain handler | ÷ (0b) Boot liveness | p50 (ms) | p99 (ms) | answers | load avg before |",
              "|---|---|---:|---:|---:|---:|---:|---|---|"]
    results = {key: load(folder, key) for key, _, _ in STEPS}
    plain, liveness = reference(results, "ref_plain"), reference(results, "ref_liveness")
    for key, title, tool in STEPS:
        r = results[key]
        if r is None:
            if not key.endswith("_end"):
                lines.append(f"| {title} | {tool} | not run | | | | | | |")
            continue
        to_plain, to_liveness = (ratio(r, plain), ratio(r, liveness)) if key in HTTP_STEPS else ("", "")
        lines.append(f"| {title} | {tool} | {r['rps']:,.0f} | {to_plain} | {to_liveness} | {ms(r.get('p50_ms'))} | "
                     f"{ms(r.get('p99_ms'))} | {r.get('answers', '')} | {r.get('loadavg', '')} |")
    lines += ["", "Ratios to the reference apps use the higher of their two measurements, (0a)/(0a') and (0b)/(0b'): a reference measured short of what it can do would flatter every ratio.",
              "", "| ratio | value | target |", "|---|---:|---|",
              f"| (1)/(0b) fairrush liveness / plain Boot liveness | {ratio(results['trivial'], liveness)} | >= 0.80 |",
              f"| (2)/(0a) durable grab / plain handler | {ratio(results['grab'], plain)} | >= 0.12 |",
              f"| (2f)/(0a) durable grab, fresh token each request / plain handler | {ratio(results['grab_fresh'], plain)} | |",
              f"| (3)/(0a) sold-out / plain handler | {ratio(results['soldout'], plain)} | >= 0.30 |",
              f"| (0b)/(0a) plain Boot liveness / plain handler (what the actuator costs) | {ratio(liveness, plain)} | |",
              f"| (2)/(1) durable grab / trivial endpoint | {ratio(results['grab'], results['trivial'])} | >= 0.50 |",
              f"| (3)/(1) sold-out / trivial endpoint | {ratio(results['soldout'], results['trivial'])} | >= 0.80 |",
              f"| (2)/(5) durable grab / naive peer over HTTP, Postgres flushing its commits | {ratio(results['grab'], results['naive'])} | >= 3 |",
              f"| (2)/(5') durable grab / naive peer, Postgres fsync off (information) | {ratio(results['grab'], results['naive_nofsync'])} | |",
              f"| (2)/(4) durable grab / Redis ceiling | {ratio(results['grab'], results['redis'])} | (how close to Redis) |",
              f"| (2b) grab p99 at half the throughput | {half_p99(results['grab_half'])} | <= 50 ms |",
              f"| (0a-2b) plain handler p99 at the same rate (the floor: load tool and machine) | {half_p99(results['ref_plain_half'])} | |",
              f"| (6) persister claims/s | {results['persister']['rps']:,.0f} | >= 50,000 |" if results['persister'] else
              "| (6) persister claims/s | - | >= 50,000 |"]
    ab = persister_ab(folder)
    if ab:
        lines += [""] + ab
    drains = bucket_drains(folder)
    if drains:
        lines += [""] + drains
    cpu = [(step, os.path.join(folder, f"cpu_{step}.txt")) for step in ("trivial", "grab", "soldout", "persister", "persister_nofsync")]
    cpu = [(step, open(path).read().strip()) for step, path in cpu if os.path.exists(path)]
    if cpu:
        lines += ["", "Where the machine's CPU went during a step (bench/cpu-by-process.py: CPU time per answered request, or "
                  "per stored claim for (6), by process, and the share of all cores it used):", ""]
        lines += [f"- {step}: {text.split(': ', 1)[1]}" for step, text in cpu]
    checks = load(folder, "checks")
    if checks:
        lines += ["", f"Invariants after the run: {checks['summary']}"]
    return "\n".join(lines) + "\n"


def persister_cpu(folder, name):
    """The persister JVM's CPU milliseconds per stored claim during a drain (cpu_NAME.txt), or None."""
    path = os.path.join(folder, f"cpu_{name}.txt")
    if not os.path.exists(path):
        return None
    for part in open(path).read().split(": ", 1)[-1].split(", "):
        if part.startswith("persister "):
            return float(part.split()[1])
    return None


def persister_ab(folder):
    """Drains A and B of the same topic (BENCH_PERSIST_B_OPTS), round by round, and the medians of the ratios B/A."""
    rounds = []
    for i in range(1, 100):
        a, b = load(folder, f"persister_a{i}"), load(folder, f"persister_b{i}")
        if a is None or b is None:
            break
        rounds.append((i, a, b))
    if not rounds:
        return []
    lines = ["Persister A/B (drains of the same topic by fresh persister JVMs, alternating, Postgres flushing its commits; "
             "CPU: the persister JVM's milliseconds per stored claim, which other work on the machine disturbs less than the rate):", "",
             "| round | A claims/s (second half) | B claims/s (second half) | B/A | B/A second half | CPU per claim A -> B | B options |",
             "|---:|---:|---:|---:|---:|---|---|"]
    ratios, halves, cpus = [], [], []
    for i, a, b in rounds:
        ratios.append(b["rps"] / a["rps"])
        halves.append(b["second_half_rps"] / a["second_half_rps"])
        ca, cb = persister_cpu(folder, f"persister_a{i}"), persister_cpu(folder, f"persister_b{i}")
        cpu = f"{ca:.3f} -> {cb:.3f} ms ({cb / ca:.2f})" if ca and cb else "-"
        if ca and cb:
            cpus.append(cb / ca)
        lines.append(f"| {i} | {a['rps']:,.0f} ({a['second_half_rps']:,.0f}) | {b['rps']:,.0f} ({b['second_half_rps']:,.0f}) | "
                     f"{ratios[-1]:.2f} | {halves[-1]:.2f} | {cpu} | {b.get('answers', '').split('fsync on; ')[-1]} |")
    median = lambda values: f"{statistics.median(values):.2f}" if values else "-"
    lines.append(f"| median | | | {median(ratios)} | {median(halves)} | {median(cpus)} | |")
    cpu = [(name, os.path.join(folder, f"cpu_{name}.txt")) for i, _, _ in rounds for name in (f"persister_a{i}", f"persister_b{i}")]
    lines += [""] + [f"- {name}: {open(path).read().strip().split(': ', 1)[1]}" for name, path in cpu if os.path.exists(path)]
    return lines


def bucket_drains(folder):
    """Issue 16's drains of one campaign over one or several partitions (BENCH_PERSIST_BUCKETS), in the order they ran,
    and the medians of each (buckets, persisters) pair's per-round ratio to the first pair of the same round."""
    names = sorted((f[:-5] for f in os.listdir(folder) if f.startswith("bucket_b") and f.endswith(".json")),
                   key=lambda n: os.path.getmtime(os.path.join(folder, n + ".json")))
    if not names:
        return []
    def parse(name):  # bucket_b8_p2_r3 -> (8, 2, 3)
        b, k, r = name[len("bucket_"):].split("_")
        return int(b[1:]), int(k[1:]), int(r[1:])
    lines = ["Drain of one campaign over one or several partitions (issue 16): fresh persister JVMs drain a topic pre-filled "
             "with one campaign's claims, Postgres flushing its commits; records per partition of the campaign's voucher-claims "
             "topic, per persister (the group's committed offsets in its partitions), each persister JVM's CPU per stored claim "
             "(from the first stored row), and the check of exactly once:", "",
             "| round | buckets | persister JVMs | claims/s | second half | after all JVMs up | records per partition | records per persister "
             "| persister CPU ms/claim | stored exactly once | load avg before |",
             "|---:|---:|---:|---:|---:|---:|---|---|---|---|---|"]
    by_round = {}
    for name in names:
        b, k, r = parse(name)
        d, spread, check = load(folder, name), load(folder, f"spread_{name}") or {}, load(folder, f"check_{name}") or {}
        by_round.setdefault(r, {})[(b, k)] = d
        parts = ", ".join(f"p{p} {n:,}" for p, n in spread.get("partitions", {}).items() if n)
        members = ", ".join(f"{m['records']:,} (p{','.join(str(p) for p in m['partitions'])})"
                            for m in sorted(spread.get("members", []), key=lambda m: -m["records"]))
        cpu = " + ".join(f"{c:.3f}" for c in spread.get("persister_cpu_ms_per_claim", []))
        up = f"{d['all_up_rps']:,.0f} ({d['rows_before_all_up']:,} rows before)" if "all_up_rps" in d else ""
        verdict = (f"{check['verdict']}: {check['rows']:,} rows / {check['granted']:,} granted, "
                   f"{check['distinct_ids']:,} distinct ids") if check else "-"
        lines.append(f"| {r} | {b} | {k} | {d['rps']:,.0f} | {d['second_half_rps']:,.0f} | {up} | {parts} | {members} | {cpu} | "
                     f"{verdict} | {d.get('loadavg', '')} |")
    pairs = sorted({pair for runs in by_round.values() for pair in runs})
    base = pairs[0]
    lines += ["", f"Ratios to {base[0]} bucket(s), {base[1]} persister(s) of the same round (median over the rounds; per round in brackets):", "",
              "| buckets | persister JVMs | claims/s | second half |", "|---:|---:|---|---|"]
    for pair in pairs[1:]:
        whole = [runs[pair]["rps"] / runs[base]["rps"] for runs in by_round.values() if pair in runs and base in runs]
        half = [runs[pair]["second_half_rps"] / runs[base]["second_half_rps"] for runs in by_round.values() if pair in runs and base in runs]
        show = lambda values: f"**{statistics.median(values):.2f}** ({', '.join(f'{v:.2f}' for v in values)})" if values else "-"
        lines.append(f"| {pair[0]} | {pair[1]} | {show(whole)} | {show(half)} |")
    cpu = [(name, os.path.join(folder, f"cpu_{name}.txt")) for name in names]
    lines += [""] + [f"- {name}: {open(path).read().strip().split(': ', 1)[1]}" for name, path in cpu if os.path.exists(path)]
    return lines


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
