#!/usr/bin/env python3
"""CPU time by process group, to tell which process saturates the machine during a benchmark step.

usage: cpu-by-process.py snapshot SHELL_PID > before.json
       cpu-by-process.py diff before.json after.json ANSWERS
  snapshot: CPU seconds (user + system) so far of every process, grouped by what it is: the API JVM, the
    development stack's servers JVM (the Kafka broker), redis-server, postgres, and the load generator
    (wrk, counted as the waited-for children of SHELL_PID, the benchmark's shell); anything else is "other"
    (another engineer's build on a shared machine), and "machine" is the total of /proc/stat.
  diff: prints one markdown line: per group, CPU milliseconds per answered request (or stored claim) over the step and the
    share of the machine's two (or N) cores it used.
"""
import json
import os
import sys

TICK = os.sysconf("SC_CLK_TCK")
GROUPS = ("api", "persister", "kafka+servers JVM", "redis", "postgres", "wrk", "other")


def group(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    # BENCH_CPU_TAG (bench.sh sets its run id): another run's service JVMs on a shared machine (someone else's bench.sh
    # or ab.sh) are "other", not this run's api or persister.
    tag = os.environ.get("BENCH_CPU_TAG")
    if tag and ("fairrush-bench-" in cmd or "fairrush-ab-" in cmd) and tag not in cmd:
        return "other"
    if "fairrush-bench-api" in cmd or "fairrush-ab-" in cmd:
        return "api"
    if "fairrush-bench-persister" in cmd:
        return "persister"
    if "fairrush-bench-servers" in cmd:
        return "kafka+servers JVM"
    if "redis-server" in cmd:
        return "redis"
    if "postgres" in cmd.split(" ")[0] or cmd.startswith("postgres"):
        return "postgres"
    return "other"


def jiffies(pid, children=False):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
    return int(fields[13 if children else 11]) + int(fields[14 if children else 12])


def snapshot(shell_pid):
    totals = dict.fromkeys(GROUPS, 0)
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        name = group(entry)
        try:
            if name and name != "other":
                totals[name] += jiffies(entry)
        except OSError:
            pass
    totals["wrk"] = jiffies(shell_pid, children=True)
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    totals["machine"] = sum(cpu) - cpu[3] - cpu[4]  # all but idle and iowait
    totals["wall"] = sum(cpu)
    # Processes that ended during the step took their time with them: "other" is what the machine spent
    # beyond the named groups.
    totals["other"] = totals["machine"] - sum(totals[name] for name in GROUPS if name != "other")
    return {k: v / TICK for k, v in totals.items()}


def diff(before, after, answers):
    cores = os.cpu_count()
    wall = (after["wall"] - before["wall"]) / cores
    parts = []
    for name in GROUPS + ("machine",):
        seconds = after[name] - before[name]
        per = 1000 * seconds / max(answers, 1)
        # Three decimals below 0.1 ms: the persister's claims cost hundredths of a millisecond each.
        parts.append(f"{name} {per:.{3 if per < 0.1 else 2}f} ms ({100 * seconds / max(wall, 1e-9) / cores:.0f} %)")
    return f"CPU per answered request (share of the {cores} cores): " + ", ".join(parts)


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        print(json.dumps(snapshot(int(sys.argv[2]))))
    else:
        with open(sys.argv[2]) as b, open(sys.argv[3]) as a:
            print(diff(json.load(b), json.load(a), int(sys.argv[4])))
