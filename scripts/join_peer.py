"""The same point-in-time join done the Python way, for the read benchmark: the table read by
delta-rs (deltalake) into Arrow, the entities by pyarrow, and polars' join_asof per entity
(backward: the greatest event_time at or before the row's; ties broken by partition, then
offset, by sorting first), deletes turned into nulls.

Usage: join_peer.py TABLE_PATH ENTITIES.parquet OUT.parquet
"""
import sys, time

import polars as pl
from deltalake import DeltaTable

start = time.time()
table, entities, out = sys.argv[1:4]
features = ["clicks", "spend", "country", "active"]
writes = pl.from_arrow(
    DeltaTable(table).to_pyarrow_table(
        columns=["user_id", "event_time", "_op", "_kafka_partition", "_kafka_offset"] + features))
writes = writes.sort(["event_time", "_kafka_partition", "_kafka_offset"])
# join_asof keeps the last of equal event times in the right frame's order.
rows = pl.read_parquet(entities).with_row_index("_row")
joined = rows.sort("event_time").join_asof(
    writes, on="event_time", by="user_id", strategy="backward")
deleted = pl.col("_op") == "delete"
joined = joined.with_columns(
    [pl.when(deleted).then(None).otherwise(pl.col(f)).alias(f"user_stats__{f}") for f in features])
joined = joined.sort("_row").select(list(rows.columns[1:]) + [f"user_stats__{f}" for f in features])
joined.write_parquet(out)
print(f"peer: {joined.height} rows in {time.time() - start:.2f} s", file=sys.stderr)
