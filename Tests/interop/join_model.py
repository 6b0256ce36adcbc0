"""An independent model of `offline join` (point in time), from the offline tables read by
deltalake and the entities and output read by pyarrow.

Usage:
  join_model.py DATA_DIR GROUPS_JSON VERSIONS_JSON ENTITIES OUTPUT
    GROUPS_JSON: [{"name", "version", "primary_key", "types", "features", "unique"}] of the
    joined groups (all features joined; "unique": a feature whose value no two writes
    share); VERSIONS_JSON: {"<name>_v<version>": table version read}.
    ENTITIES: .csv, .jsonl or .parquet. Prints a JSON report (the caller checks it).

The rule, written from the contract rather than from the Swift code: per entity row and
group, among the group's writes of that entity with event_time <= the row's event_time, the
greatest by (event_time, partition, offset); its features, or nulls when there is none or it
is a delete. The output's own columns must be the entities' columns, unchanged, then
GROUP__feature.
"""
import csv, datetime, json, os, sys

import pyarrow.parquet as pq
from deltalake import DeltaTable

UTC = datetime.timezone.utc


def micros(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        delta = value - datetime.datetime(1970, 1, 1, tzinfo=UTC)
        return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(value, int):
        return value * 1000  # epoch milliseconds, as in a feature write
    text = value.replace("Z", "+00:00")
    return micros(datetime.datetime.fromisoformat(text))


def norm(value):
    if isinstance(value, datetime.datetime):
        return micros(value)
    if isinstance(value, float) and value != value:
        return "NaN"
    return value


def entities(path):
    if path.endswith(".parquet"):
        return pq.read_table(path).to_pylist()
    if path.endswith(".csv"):
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def key_of(row, group, from_text):
    key = []
    for column in group["primary_key"]:
        value = row[column]
        if value in (None, ""):
            return None
        if from_text and group["types"][column] == "bigint":
            value = int(value)
        key.append(value)
    return tuple(key)


def main():
    data_dir, groups, versions, entities_path, output = sys.argv[1:6]
    groups, versions = json.loads(groups), json.loads(versions)
    from_text = entities_path.endswith(".csv")
    histories = {}
    for g in groups:
        table = f"{g['name']}_v{g['version']}"
        path = os.path.join(data_dir, "offline", table)
        rows = DeltaTable(path, version=versions[table]).to_pyarrow_table().to_pylist()
        by_entity = {}
        for r in rows:
            key = tuple(r[c] for c in g["primary_key"])
            by_entity.setdefault(key, []).append(r)
        histories[g["name"]] = by_entity
    given = entities(entities_path)
    got = pq.read_table(output).to_pylist()
    problems = []
    if len(given) != len(got):
        problems.append(f"{len(given)} entity rows but {len(got)} output rows")
    matched = {g["name"]: 0 for g in groups}
    leaks = 0
    for index, (row, out) in enumerate(zip(given, got)):
        for column, value in row.items():
            if column == "event_time" or column in sum((g["primary_key"] for g in groups), []):
                continue  # typed on the way in: compared through the features below
            if str(norm(out.get(column))) != str(norm(value)) and not (
                value in ("", None) and out.get(column) is None
            ):
                problems.append(f"row {index}: column {column} {out.get(column)!r} != {value!r}")
        at = micros(row["event_time"]) if row["event_time"] not in ("", None) else None
        for g in groups:
            key = key_of(row, g, from_text)
            writes = histories[g["name"]].get(key, []) if key is not None and at is not None else []
            past = [w for w in writes if micros(w["event_time"]) <= at]
            best = max(past, key=lambda w: (micros(w["event_time"]), w["_kafka_partition"], w["_kafka_offset"]), default=None)
            if best is not None and best["_op"] == "delete":
                best = None
            if best is not None:
                matched[g["name"]] += 1
            for feature in g["features"]:
                want = norm(best[feature]) if best is not None else None
                have = norm(out.get(f"{g['name']}__{feature}"))
                if want != have:
                    problems.append(
                        f"row {index} ({g['name']} {key} at {at}): {feature} {have!r} != {want!r}")
            # No leakage, checked on its own through the group's feature whose value is unique
            # per write: the value joined is never one that only a later write holds.
            unique = g["unique"]
            have = norm(out.get(f"{g['name']}__{unique}"))
            if have is not None and any(
                norm(w[unique]) == have and micros(w["event_time"]) > at for w in writes
            ):
                leaks += 1
    print(json.dumps({"rows": len(got), "matched": matched, "leaks": leaks,
                      "problems": problems[:20], "problem_count": len(problems)}))
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)
