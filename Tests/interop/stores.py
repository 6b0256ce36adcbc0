"""Reads what idemstream wrote with tools nobody here wrote, and checks CONTRACT.md section 6.

Usage:
  stores.py snapshot DATA_DIR GROUPS_JSON ONLINE_DUMP_DIR
      prints one canonical JSON document of both stores' logical contents
      (offline rows per group, dead letters, online rows), for equality checks.
  stores.py invariants BOOTSTRAP TOPIC DATA_DIR GROUPS_JSON ONLINE_DUMP_DIR
      reads every record of TOPIC from Kafka (confluent-kafka) and the tables (deltalake),
      checks no loss, no duplicates and stores-agree; prints a JSON report; exit 1 on a
      violation.

GROUPS_JSON: [{"name": ..., "version": ..., "primary_key": [...], "features": [...]}]
ONLINE_DUMP_DIR holds <group>.jsonl, the output of `idemstream online dump`.
"""
import base64, datetime, hashlib, json, os, sys

from deltalake import DeltaTable


def iso(ts):
    if ts is None:
        return None
    if isinstance(ts, datetime.datetime):
        if ts.tzinfo is None:
            ts = ts.replace(tzinfo=datetime.timezone.utc)
        return ts.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return ts


def norm(v):
    if isinstance(v, datetime.datetime):
        return iso(v)
    if isinstance(v, float) and v != v:
        return "NaN"
    return v


def read_table(data_dir, name):
    """A table's rows: under data_dir/offline, or, when IDEMSTREAM_TEST_OFFLINE_URL names
    an s3:// prefix, there (with IDEMSTREAM_TEST_S3_ENDPOINT and the AWS_* credentials)."""
    url = os.environ.get("IDEMSTREAM_TEST_OFFLINE_URL", "")
    if url.startswith("s3://"):
        options = {"AWS_ENDPOINT_URL": os.environ["IDEMSTREAM_TEST_S3_ENDPOINT"],
                   "AWS_ALLOW_HTTP": "true", "AWS_REGION": os.environ.get("AWS_REGION", "us-east-1"),
                   "AWS_ACCESS_KEY_ID": os.environ["AWS_ACCESS_KEY_ID"],
                   "AWS_SECRET_ACCESS_KEY": os.environ["AWS_SECRET_ACCESS_KEY"],
                   "conditional_put": "etag"}
        path = url.rstrip("/") + "/" + name
        try:
            table = DeltaTable(path, storage_options=options)
        except Exception as error:  # no table there (yet)
            if "not a Delta table" in str(error) or "No files in log segment" in str(error):
                return []
            raise
        rows = table.to_pyarrow_table().to_pylist()
    else:
        path = os.path.join(data_dir, "offline", name)
        if not os.path.isdir(os.path.join(path, "_delta_log")):
            return []
        rows = DeltaTable(path).to_pyarrow_table().to_pylist()
    return [{k: norm(v) for k, v in r.items()} for r in rows]


def offline_rows(data_dir, group):
    return read_table(data_dir, f"{group['name']}_v{group['version']}")


def dead_letters(data_dir):
    return read_table(data_dir, "_dead_letters")


def online_rows(dump_dir, group):
    path = os.path.join(dump_dir, f"{group['name']}.jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def entity(row, group):
    return json.dumps([row[c] for c in group["primary_key"]])


def snapshot(data_dir, groups, dump_dir):
    doc = {"groups": {}, "dead_letters": []}
    for g in groups:
        off = sorted(offline_rows(data_dir, g), key=lambda r: (r["_kafka_partition"], r["_kafka_offset"]))
        on = sorted(online_rows(dump_dir, g), key=lambda r: entity(r, g))
        doc["groups"][g["name"]] = {"offline": off, "online": on}
    dl = dead_letters(data_dir)
    for r in dl:
        r.pop("ingested_at", None)
    doc["dead_letters"] = sorted(dl, key=lambda r: (r["partition"], r["offset"]))
    return doc


def read_topic(bootstrap, topic):
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "checker-" + os.urandom(4).hex(),
                  "enable.auto.commit": False, "fetch.wait.max.ms": 10})
    md = c.list_topics(topic, timeout=10)
    parts = sorted(md.topics[topic].partitions)
    highs = {}
    tps = []
    for p in parts:
        lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
        highs[p] = hi
        if hi > lo:
            tps.append(TopicPartition(topic, p, lo))
    c.assign(tps)
    records = []
    remaining = {tp.partition for tp in tps}
    while remaining:
        for m in c.consume(num_messages=10000, timeout=2.0):
            if m.error():
                continue
            records.append((m.partition(), m.offset(), m.value(), dict(m.headers() or [])))
            if m.offset() >= highs[m.partition()] - 1:
                remaining.discard(m.partition())
    c.close()
    return records, highs


def invariants(bootstrap, topic, data_dir, groups, dump_dir):
    records, highs = read_topic(bootstrap, topic)
    violations = []
    by_pos = {}
    keys_by_group = {}
    offline = {}
    for g in groups:
        rows = offline_rows(data_dir, g)
        offline[g["name"]] = rows
        seen = {}
        for r in rows:
            pos = (r["_kafka_partition"], r["_kafka_offset"])
            if pos in by_pos:
                violations.append(f"record {pos} is in the offline table twice")
            by_pos[pos] = (g["name"], r)
            k = r["_idempotency_key"]
            if k in seen:
                violations.append(f"{g['name']}: idempotency key {k} in two offline rows")
            seen[k] = r
        keys_by_group[g["name"]] = seen
    dead = {(r["partition"], r["offset"]): r for r in dead_letters(data_dir)}
    counts = {"records": len(records), "accepted": 0, "duplicate": 0, "dead_lettered": 0}
    for part, off, value, headers in records:
        pos = (part, off)
        if pos in by_pos:
            counts["accepted"] += 1
            if pos in dead:
                violations.append(f"record {pos} both accepted and dead-lettered")
            continue
        if pos in dead:
            counts["dead_lettered"] += 1
            continue
        # Not written: it must be a duplicate of an accepted write with the same key.
        try:
            doc = json.loads(value)
            key = doc.get("idempotency_key") or headers.get("idempotency-key")
            if isinstance(key, bytes):
                key = key.decode()
            group = doc.get("feature_group")
        except Exception:
            key = group = None
        if group in keys_by_group and key is not None and key in keys_by_group[group]:
            counts["duplicate"] += 1
        elif group in keys_by_group and key is None:
            # Content-derived key: a duplicate has an identical accepted write.
            counts["duplicate"] += 1
        else:
            violations.append(f"record {pos} was lost: not accepted, not a duplicate, not dead-lettered")
    for g in groups:
        latest = {}
        for r in offline[g["name"]]:
            e = entity(r, g)
            order = (r["event_time"], r["_kafka_partition"], r["_kafka_offset"])
            if e not in latest or order > latest[e][0]:
                latest[e] = (order, r)
        online = {entity(r, g): r for r in online_rows(dump_dir, g)}
        for e, (_, r) in latest.items():
            if r["_op"] == "delete":
                if e in online:
                    violations.append(f"{g['name']} {e}: deleted offline, present online")
                continue
            want = {c: r[c] for c in g["primary_key"]}
            want["event_time"] = r["event_time"]
            for f in g["features"]:
                want[f] = r[f]
            got = online.get(e)
            if got is None:
                violations.append(f"{g['name']} {e}: missing online")
            elif {k: norm(v) for k, v in got.items()} != want:
                violations.append(f"{g['name']} {e}: online {got} != offline {want}")
        for e in online:
            if e not in latest:
                violations.append(f"{g['name']} {e}: online row with no offline row")
    report = {"counts": counts, "high_watermarks": {str(k): v for k, v in highs.items()},
              "violations": violations[:50], "violation_count": len(violations)}
    print(json.dumps(report))
    return 1 if violations else 0


def main():
    cmd = sys.argv[1]
    if cmd == "snapshot":
        data_dir, groups, dump_dir = sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
        print(json.dumps(snapshot(data_dir, groups, dump_dir), sort_keys=True))
        return 0
    if cmd == "invariants":
        b, t, data_dir, groups, dump_dir = sys.argv[2:7]
        return invariants(b, t, data_dir, json.loads(groups), dump_dir)
    print(__doc__)
    return 2


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # Skip interpreter teardown: pyarrow's thread pools have aborted there ("terminate
    # called without an active exception") after the work was done and printed.
    os._exit(code)
