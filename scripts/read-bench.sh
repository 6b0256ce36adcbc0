#!/usr/bin/env bash
# The read side at scale (BENCHMARKS.md, "Reads"): a table of N writes of the shared workload
# (10M by default), then `offline latest` of 1,000 random keys before and after `maintenance
# optimize`, and `offline join` of M entity rows (1M) beside the same join in Python
# (scripts/join_peer.py: deltalake + polars join_asof), each timed as a whole process with
# its peak RSS; the two join outputs are compared.
#
#   scripts/read-bench.sh [N] [M]        BIN=.build/release/idemstream by default
#
# Installs polars into .venv when missing (the benchmark's peer only; tests do not use it).
set -euo pipefail
cd "$(dirname "$0")/.."
writes=${1:-10000000}
rows=${2:-1000000}
bin=${BIN:-.build/release/idemstream}
python=.venv/bin/python
$python -c "import polars" 2>/dev/null || .venv/bin/pip install -q polars==1.44.2
work=${TMPDIR:-/tmp}/idemstream-read-bench
rm -rf "$work"
mkdir -p "$work"
"$bin" broker --partitions 64 --topic bench >"$work/broker.out" 2>"$work/broker.err" &
broker=$!
trap 'kill $broker 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/broker.out" ] && break; sleep 0.1; done
bootstrap=$(head -1 "$work/broker.out")
cat >"$work/config.yaml" <<YAML
kafka:
  bootstrap_servers: "$bootstrap"
  topics: [bench]
  group_id: read-bench
data_dir: $work/data
offline:
  commit_interval_ms: 5000
  max_rows_per_commit: 500000
YAML
sed -n '/^feature_groups:/,$p' examples/config.yaml >>"$work/config.yaml"
# The mock broker keeps about 5 MB per partition, so the table is built in rounds of 1M
# writes (each with its own seed: other idempotency keys, the same entities and times).
for round in $(seq 1 $(((writes + 999999) / 1000000))); do
  count=$((writes - (round - 1) * 1000000))
  [ "$count" -gt 1000000 ] && count=1000000
  $python ../shared/bench/gen.py "$bootstrap" bench "$count" --seed "$round" >>"$work/gen.json"
  "$bin" run --config "$work/config.yaml" --stop-at-end >/dev/null 2>"$work/run.err"
done
timed() {  # label, command...: prints wall seconds and peak RSS. Exit 1 is accepted: an
  # `offline latest` of keys without rows names them and exits 1, after doing the work.
  local label=$1; shift
  local status=0
  /usr/bin/time -f "$label: %e s, peak RSS %M KB" "$@" >/dev/null 2>"$work/time.err" || status=$?
  if [ "$status" -gt 1 ]; then cat "$work/time.err"; exit 1; fi
  tail -1 "$work/time.err"
}
keys=$($python -c "import random; r = random.Random(3); print(' '.join(f'u{r.randrange(100000)}' for _ in range(1000)))")
files=$(ls "$work/data/offline/user_stats_v1" | grep -c parquet)
table_rows=$($python -c "import sys; from deltalake import DeltaTable; print(DeltaTable(sys.argv[1]).to_pyarrow_table(columns=['user_id']).num_rows)" "$work/data/offline/user_stats_v1")
echo "table: $table_rows rows from $writes writes, $files data files"
# shellcheck disable=SC2086
timed "offline latest, 1000 keys, before optimize" \
  "$bin" offline latest --config "$work/config.yaml" --group user_stats $keys
timed "maintenance optimize" "$bin" maintenance optimize --config "$work/config.yaml"
files=$(ls "$work/data/offline/user_stats_v1" | grep -c parquet)
# shellcheck disable=SC2086
timed "offline latest, 1000 keys, after optimize ($files files in the directory)" \
  "$bin" offline latest --config "$work/config.yaml" --group user_stats $keys
$python - "$work/entities.parquet" "$rows" "$writes" <<'PY'
import random, sys
import pyarrow as pa, pyarrow.parquet as pq
path, rows, writes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(5)
t0 = 1_767_225_600_000_000
pq.write_table(pa.table({
    "user_id": [f"u{r.randrange(100000)}" for _ in range(rows)],
    "event_time": pa.array([t0 + r.randrange(min(writes, 1000000) * 10_000) for _ in range(rows)],
                           pa.timestamp("us", "UTC")),
    "label": [r.random() < 0.1 for _ in range(rows)]}), path)
PY
timed "offline join, $rows rows" "$bin" offline join --config "$work/config.yaml" \
  --entities "$work/entities.parquet" --features user_stats:clicks,spend,country,active \
  --out "$work/ours.parquet"
timed "python peer join (deltalake + polars join_asof), $rows rows" \
  $python scripts/join_peer.py "$work/data/offline/user_stats_v1" "$work/entities.parquet" \
  "$work/peer.parquet"
$python - "$work/ours.parquet" "$work/peer.parquet" <<'PY'
import sys
import pyarrow.parquet as pq
ours, peer = (pq.read_table(p) for p in sys.argv[1:3])
print("outputs equal:", ours.num_rows == peer.num_rows
      and all(ours.column(c).to_pylist() == peer.column(c).to_pylist() for c in peer.column_names))
PY
