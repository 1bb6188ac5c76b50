"""Throughput and latency percentiles of a pgbench run from its per-transaction logs (pgbench -l).

usage: percentiles.py SECONDS LOG_FILE...   prints one JSON object
Each log line: client_id transaction_no latency_us script_no epoch_s epoch_us
"""
import json
import sys


def main(seconds, files):
    latencies = []
    for name in files:
        with open(name) as log:
            for line in log:
                fields = line.split()
                if len(fields) >= 3 and fields[2].isdigit():
                    latencies.append(int(fields[2]) / 1000.0)
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100.0))] if latencies else 0.0

    print(json.dumps({"requests": len(latencies), "seconds": seconds, "rps": len(latencies) / seconds,
                      "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99),
                      "max_ms": latencies[-1] if latencies else 0.0}))


if __name__ == "__main__":
    main(float(sys.argv[1]), sys.argv[2:])
