#!/usr/bin/env bash
# One `idemstream run --stop-at-end` over a backlog already in a broker, with its peak RSS:
# the quick A/B harness behind the "changes on the way" rows of BENCHMARKS.md.
#
#   .build/release/idemstream broker --partitions 64 --topic bench &      # prints BOOTSTRAP
#   .venv/bin/python ../shared/bench/gen.py BOOTSTRAP bench 1000000
#   scripts/drain-run.sh BOOTSTRAP [NAME] ['"librdkafka.key": "value"']   # repeat per variant
#
# MAXROWS sets max_rows_per_commit (default 500000); BIN the binary to run; PERF a command
# prefix for the run, e.g. PERF="perf record -e cpu-clock -F 1000 -g -o /tmp/x.data --".
# Use a fresh NAME per run: a group's static member rejoining at once waits out the session.
set -euo pipefail
bootstrap=$1
name=${2:-run}
settings=${3:-}
work=${TMPDIR:-/tmp}/idemstream-drain-$name
rm -rf "$work"
mkdir -p "$work"
cat >"$work/config.yaml" <<YAML
kafka:
  bootstrap_servers: "$bootstrap"
  topics: [bench]
  group_id: drain-$name
  settings: {$settings}
data_dir: $work/data
offline:
  commit_interval_ms: 5000
  max_rows_per_commit: ${MAXROWS:-500000}
YAML
# The feature group of the shared workload, as the example config declares it.
sed -n '/^feature_groups:/,$p' "$(dirname "$0")/../examples/config.yaml" >>"$work/config.yaml"
${PERF:-} /usr/bin/time -f "peak_rss_kb=%M wall_s=%e user_s=%U sys_s=%S" \
  "${BIN:-.build/release/idemstream}" run --config "$work/config.yaml" --stop-at-end --json \
  >"$work/counts.json" 2>"$work/stderr.log"
tail -1 "$work/stderr.log"
python3 - "$work/counts.json" <<'PY'
import json, sys
counts = json.load(open(sys.argv[1]))
seconds = (counts["last_commit_at_millis"] - counts["first_record_at_millis"]) / 1000
print(f"consumed {counts['consumed']} in {seconds:.2f} s after the first record: "
      f"{counts['consumed'] / seconds:.0f} records/s")
print("stages (s):", {k: round(v / 1e9, 2) for k, v in counts["stage_nanoseconds"].items()})
PY
