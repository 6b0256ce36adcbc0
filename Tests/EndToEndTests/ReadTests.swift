import Foundation
import TestSupport
import XCTest

/// The read side: `offline join` against an independent model (Tests/interop/join_model.py,
/// over deltalake's reading of the tables), on a history with out-of-order writes, deletes
/// and equal event times; the same bytes for the same arguments, before and after more
/// ingestion when the version is pinned.
final class ReadTests: XCTestCase {
  /// A history for both workload groups, keyed by entity, with event times on a coarse grid
  /// (many equal times per entity), out of order, and 8% deletes.
  struct History {
    var lines: [String] = []
    let base: Int64

    init(writes: Int, seed: UInt64, base: Int64) {
      self.base = base
      var random = SplitMix64(seed: seed)
      for index in 0..<writes {
        let time = base + Int64(random.next() % 60) * 1000
        let delete = random.next() % 100 < 8
        let op = delete ? #","op":"delete""# : ""
        if random.next() % 3 == 0 {
          let merchant = random.next() % 6
          let day = "2026-01-0\(1 + random.next() % 2)"
          let values =
            delete
            ? ""
            : #","values":{"revenue":\#(Double(random.next() % 10_000) / 4),"orders":\#(index)}"#
          lines.append(
            #"{"feature_group":"merchant_daily","key":{"merchant_id":\#(merchant),"day":"\#(day)"},"#
              + #""event_time":\#(time)\#(values)\#(op),"idempotency_key":"m\#(index)"}"#)
        } else {
          let user = "u\(random.next() % 25)"
          let values =
            delete
            ? ""
            : #","values":{"clicks":\#(index),"spend":\#(Double(random.next() % 1000) / 8),"#
              + #""country":"c\#(random.next() % 5)","active":\#(random.next() % 2 == 0),"#
              + #""last_seen":\#(time - 5000)}"#
          lines.append(
            #"{"feature_group":"user_stats","key":{"user_id":"\#(user)"},"event_time":\#(time)"#
              + #"\#(values)\#(op),"idempotency_key":"u\#(index)"}"#)
        }
      }
    }

    /// Entity rows at times around the history's (before any write, on a write's time,
    /// after the last), with a label column that must pass through.
    func entitiesCSV(rows: Int, seed: UInt64) -> String {
      var random = SplitMix64(seed: seed)
      var text = "user_id,merchant_id,day,event_time,label\n"
      for index in 0..<rows {
        let time = base + (Int64(random.next() % 70) - 5) * 1000
        let stamp = ISO8601DateFormatter.string(
          from: Date(timeIntervalSince1970: Double(time) / 1000), timeZone: .gmt,
          formatOptions: [.withInternetDateTime, .withFractionalSeconds])
        let user = random.next() % 10 == 0 ? "" : "u\(random.next() % 27)"
        text +=
          "\(user),\(random.next() % 7),2026-01-0\(1 + random.next() % 2),\(stamp),\(index % 3 == 0 ? "\"yes, really\"" : "no")\n"
      }
      return text
    }
  }

  static let groupsJSON = """
    [{"name":"user_stats","version":1,"primary_key":["user_id"],\
    "types":{"user_id":"string"},\
    "features":["clicks","spend","country","active","last_seen"],"unique":"clicks"},\
    {"name":"merchant_daily","version":2,"primary_key":["merchant_id","day"],\
    "types":{"merchant_id":"bigint","day":"string"},\
    "features":["revenue","orders"],"unique":"orders"}]
    """

  func testPointInTimeJoinMatchesTheModelAndRepeatsByteForByte() throws {
    let broker = try EmbeddedBrokerProcess(partitions: 3, topic: "features")
    defer { broker.stop() }
    let directory = try TemporaryDirectory("idemstream-join")
    defer { directory.remove() }
    let base = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
    let history = History(writes: 900, seed: 21, base: base)
    func produce(_ lines: ArraySlice<String>) throws {
      let produced = try Idemstream.run(
        ["produce", "--bootstrap", broker.bootstrap, "--topic", "features"],
        stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
      XCTAssertEqual(produced.status, 0, produced.stderr)
    }
    let config = directory.url.appendingPathComponent("c.yaml").path
    let dataDir = directory.url.appendingPathComponent("data").path
    try Workload.config(
      bootstrap: broker.bootstrap, topic: "features", dataDir: dataDir, maxRowsPerCommit: 100
    ).write(toFile: config, atomically: true, encoding: .utf8)
    try produce(history.lines[..<600])
    let run = try Idemstream.run(["run", "--config", config, "--stop-at-end"])
    XCTAssertEqual(run.status, 0, run.stderr)

    let entities = directory.url.appendingPathComponent("entities.csv").path
    try history.entitiesCSV(rows: 500, seed: 4).write(
      toFile: entities, atomically: true, encoding: .utf8)
    func join(
      _ name: String, entities: String, asOf: String? = nil, extra: [String] = []
    ) throws -> (path: String, report: [String: Any]) {
      let out = directory.url.appendingPathComponent(name).path
      var arguments = [
        "offline", "join", "--config", config, "--entities", entities, "--features",
        "user_stats:*", "merchant_daily:revenue,orders", "--out", out, "--json",
      ]
      if let asOf { arguments += ["--as-of", asOf] }
      arguments += extra
      let result = try Idemstream.run(arguments)
      XCTAssertEqual(result.status, 0, result.stderr)
      let report = try XCTUnwrap(
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
        result.stdout)
      return (out, report)
    }
    func check(_ output: String, entities: String, report: [String: Any]) throws {
      let versions = try XCTUnwrap(report["versions"] as? [String: Int])
      let text = try Python.run(
        try interopScript("join_model.py"),
        [
          dataDir, Self.groupsJSON,
          String(
            decoding: try JSONSerialization.data(
              withJSONObject: versions), as: UTF8.self), entities, output,
        ])
      let model = try XCTUnwrap(
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      XCTAssertEqual(model["problem_count"] as? Int, 0, text)
      XCTAssertEqual(model["leaks"] as? Int, 0, text)
      XCTAssertEqual(model["rows"] as? Int, 500)
      let matched = try XCTUnwrap(model["matched"] as? [String: Int])
      XCTAssertEqual(
        report["matched"] as? [Int], [matched["user_stats"] ?? -1, matched["merchant_daily"] ?? -1])
      // Neither all nor none: the history's times straddle the entity rows'.
      XCTAssertGreaterThan(matched["user_stats"] ?? 0, 100, text)
      XCTAssertLessThan(matched["user_stats"] ?? 500, 450, text)
      XCTAssertGreaterThan(matched["merchant_daily"] ?? 0, 50, text)
    }

    let first = try join("first.parquet", entities: entities)
    try check(first.path, entities: entities, report: first.report)
    let again = try join("again.parquet", entities: entities)
    XCTAssertEqual(
      try Data(contentsOf: URL(fileURLWithPath: first.path)),
      try Data(contentsOf: URL(fileURLWithPath: again.path)), "the same arguments, the same bytes")
    // The entities' keys read by statistics (the default here: few entities) and the whole
    // table read give the same bytes.
    let whole = try join("whole.parquet", entities: entities, extra: ["--key-lookup-limit", "0"])
    XCTAssertEqual(
      try Data(contentsOf: URL(fileURLWithPath: first.path)),
      try Data(contentsOf: URL(fileURLWithPath: whole.path)),
      "reading only the entities' rows changes nothing")

    // The same entities as JSON lines and as Parquet (pyarrow's) give the same features.
    let converted = try Python.run(
      """
      import csv, json, sys
      import pyarrow as pa, pyarrow.parquet as pq
      rows = list(csv.DictReader(open(sys.argv[1], newline="")))
      with open(sys.argv[2], "w") as f:
          for r in rows:
              f.write(json.dumps({"user_id": r["user_id"] or None, "merchant_id": int(r["merchant_id"]),
                                  "day": r["day"], "event_time": r["event_time"], "label": r["label"]}) + "\\n")
      table = pa.table({"user_id": [r["user_id"] or None for r in rows],
                        "merchant_id": pa.array([int(r["merchant_id"]) for r in rows], pa.int64()),
                        "day": [r["day"] for r in rows],
                        "event_time": pa.array([r["event_time"] for r in rows]).cast(pa.timestamp("us", "UTC")),
                        "label": [r["label"] for r in rows]})
      pq.write_table(table, sys.argv[3])
      print("ok")
      """,
      [
        entities, directory.url.appendingPathComponent("entities.jsonl").path,
        directory.url.appendingPathComponent("entities.parquet").path,
      ])
    XCTAssertEqual(converted, "ok\n")
    for name in ["entities.jsonl", "entities.parquet"] {
      let path = directory.url.appendingPathComponent(name).path
      let joined = try join("from-\(name).parquet", entities: path)
      try check(joined.path, entities: path, report: joined.report)
    }

    // Pinned to its versions, the join gives the same bytes after more ingestion; unpinned,
    // it takes the new writes.
    let versions = try XCTUnwrap(first.report["versions"] as? [String: Int])
    let pin =
      "user_stats=\(versions["user_stats_v1"] ?? -1),"
      + "merchant_daily=\(versions["merchant_daily_v2"] ?? -1)"
    let pinnedBefore = try join("pinned-before.parquet", entities: entities, asOf: pin)
    try produce(history.lines[600...])
    let more = try Idemstream.run(["run", "--config", config, "--stop-at-end"])
    XCTAssertEqual(more.status, 0, more.stderr)
    let pinnedAfter = try join("pinned-after.parquet", entities: entities, asOf: pin)
    let latest = try join("latest.parquet", entities: entities)
    try check(latest.path, entities: entities, report: latest.report)
    let bytes = { (path: String) in try Data(contentsOf: URL(fileURLWithPath: path)) }
    XCTAssertEqual(try bytes(pinnedBefore.path), try bytes(first.path))
    XCTAssertEqual(try bytes(pinnedAfter.path), try bytes(first.path), "pinned after more writes")
    XCTAssertNotEqual(try bytes(latest.path), try bytes(first.path), "new writes were joined")
  }

  /// `offline read`: the rows of a time range as of a version, every column, sorted by key
  /// then write order — equal to deltalake's rows filtered and sorted by the same rule, the
  /// same bytes before and after more ingestion, and files outside the range not read.
  func testRangeReadIsTheFilteredSortedTableAndRepeats() throws {
    let broker = try EmbeddedBrokerProcess(partitions: 2, topic: "features")
    defer { broker.stop() }
    let directory = try TemporaryDirectory("idemstream-range")
    defer { directory.remove() }
    let base = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
    let early = History(writes: 300, seed: 5, base: base)
    let late = History(writes: 200, seed: 6, base: base + 600_000)
    let config = directory.url.appendingPathComponent("c.yaml").path
    let dataDir = directory.url.appendingPathComponent("data").path
    try Workload.config(
      bootstrap: broker.bootstrap, topic: "features", dataDir: dataDir, maxRowsPerCommit: 50
    ).write(toFile: config, atomically: true, encoding: .utf8)
    func ingest(_ history: History) throws {
      let produced = try Idemstream.run(
        ["produce", "--bootstrap", broker.bootstrap, "--topic", "features"],
        stdin: Data((history.lines.joined(separator: "\n") + "\n").utf8))
      XCTAssertEqual(produced.status, 0, produced.stderr)
      let run = try Idemstream.run(["run", "--config", config, "--stop-at-end"])
      XCTAssertEqual(run.status, 0, run.stderr)
    }
    func read(_ name: String, _ extra: [String]) throws -> (path: String, report: [String: Any]) {
      let out = directory.url.appendingPathComponent(name).path
      let result = try Idemstream.run(
        ["offline", "read", "--config", config, "--group", "user_stats", "--out", out, "--json"]
          + extra)
      XCTAssertEqual(result.status, 0, result.stderr)
      return (
        out,
        try XCTUnwrap(
          try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
      )
    }
    func model(_ output: String, version: Int, from: Int64?, to: Int64?) throws -> String {
      try Python.run(
        """
        import datetime, json, sys
        import pyarrow.parquet as pq
        from deltalake import DeltaTable
        path, version, output = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        low = int(sys.argv[4]) if sys.argv[4] else None
        high = int(sys.argv[5]) if sys.argv[5] else None
        def us(t):
            return int((t - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)).total_seconds() * 1e6 + 0.5) \\
                if t.tzinfo else int((t - datetime.datetime(1970, 1, 1)).total_seconds() * 1e6 + 0.5)
        rows = DeltaTable(path, version=version).to_pyarrow_table().to_pylist()
        rows = [r for r in rows if (low is None or us(r["event_time"]) >= low)
                and (high is None or us(r["event_time"]) < high)]
        rows.sort(key=lambda r: (r["user_id"].encode(), us(r["event_time"]), r["_kafka_partition"], r["_kafka_offset"]))
        got = pq.read_table(output).to_pylist()
        print(json.dumps({"rows": len(rows), "equal": [str(r) for r in rows] == [str(r) for r in got]}))
        """,
        [
          "\(dataDir)/offline/user_stats_v1", "\(version)", output, from.map(String.init) ?? "",
          to.map(String.init) ?? "",
        ])
    }

    try ingest(early)
    let all = try read("all.parquet", [])
    let version = try XCTUnwrap(all.report["version"] as? Int)
    let from = (base + 20_000) * 1000
    let to = (base + 40_000) * 1000
    let window = try read(
      "window.parquet", ["--from", "\(base + 20_000)", "--to", "\(base + 40_000)"])
    for (output, low, high) in [(all.path, nil, nil), (window.path, from, to)]
      as [(String, Int64?, Int64?)]
    {
      let text = try model(output, version: version, from: low, to: high)
      XCTAssertTrue(text.contains(#""equal": true"#), text)
      XCTAssertFalse(text.contains(#""rows": 0,"#), text)
    }
    XCTAssertLessThan(
      try XCTUnwrap(window.report["rows"] as? Int), try XCTUnwrap(all.report["rows"] as? Int))

    try ingest(late)
    let pinned = try read("pinned.parquet", ["--as-of", "\(version)"])
    let bytes = { (path: String) in try Data(contentsOf: URL(fileURLWithPath: path)) }
    XCTAssertEqual(try bytes(pinned.path), try bytes(all.path), "a pinned version, the same bytes")
    let recent = try read("recent.parquet", ["--from", "\(base + 600_000)"])
    let text = try model(
      recent.path, version: try XCTUnwrap(recent.report["version"] as? Int),
      from: (base + 600_000) * 1000, to: nil)
    XCTAssertTrue(text.contains(#""equal": true"#), text)
    // The early files hold no row that recent; their statistics keep them unread.
    let read = try XCTUnwrap(recent.report["files_read"] as? Int)
    let files = try XCTUnwrap(recent.report["files_in_version"] as? Int)
    XCTAssertLessThan(read, files, "\(recent.report)")
  }

  /// Online answers sampled during a live stream, each with the table version the store had
  /// applied, are reproduced later by `offline latest --as-of` that version.
  func testOnlineAnswersDuringIngestionAreReproducedFromTheOfflineTable() throws {
    let broker = try EmbeddedBrokerProcess(partitions: 2, topic: "features")
    defer { broker.stop() }
    let directory = try TemporaryDirectory("idemstream-reproduce")
    defer { directory.remove() }
    let base = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
    let history = History(writes: 1200, seed: 8, base: base)
    let config = directory.url.appendingPathComponent("c.yaml").path
    try Workload.config(
      bootstrap: broker.bootstrap, topic: "features",
      dataDir: directory.url.appendingPathComponent("data").path, maxRowsPerCommit: 20
    ).write(toFile: config, atomically: true, encoding: .utf8)
    func produce(_ lines: ArraySlice<String>) throws {
      let produced = try Idemstream.run(
        ["produce", "--bootstrap", broker.bootstrap, "--topic", "features"],
        stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
      XCTAssertEqual(produced.status, 0, produced.stderr)
    }
    try produce(history.lines[..<100])
    let service = try Idemstream.start(["run", "--config", config])
    defer { service.stop() }
    var samples: [(key: String, answer: [String: Any])] = []
    var random = SplitMix64(seed: 12)
    var next = 100
    var rounds = 0
    while (next < history.lines.count || samples.count < 40) && rounds < 60 {
      rounds += 1
      if next < history.lines.count {
        try produce(history.lines[next..<min(history.lines.count, next + 50)])
        next += 50
      }
      for _ in 0..<2 {
        let key = "u\(random.next() % 25)"
        let got = try Idemstream.run(
          ["online", "get", "--config", config, "--group", "user_stats", "--with-version", key])
        guard got.status == 0 else { continue }  // not there yet, or deleted
        let answer = try XCTUnwrap(
          try JSONSerialization.jsonObject(with: Data(got.stdout.utf8)) as? [String: Any],
          got.stdout)
        samples.append((key, answer))
      }
      if samples.count > 200 { break }
    }
    service.signal(SIGTERM)
    XCTAssertEqual(service.wait(), 0, service.stderr)

    let versions = Set(samples.compactMap { $0.answer["_table_version"] as? Int })
    XCTAssertGreaterThanOrEqual(versions.count, 5, "answers at several versions: \(versions)")
    for (key, answer) in samples {
      let version = try XCTUnwrap(answer["_table_version"] as? Int, "\(answer)")
      let latest = try Idemstream.run(
        [
          "offline", "latest", "--config", config, "--group", "user_stats", "--as-of",
          "\(version)", key,
        ])
      XCTAssertEqual(latest.status, 0, latest.stderr)
      var expected = answer
      expected["_table_version"] = nil
      let row = try JSONSerialization.jsonObject(with: Data(latest.stdout.utf8))
      XCTAssertEqual(row as? NSDictionary, expected as NSDictionary, "\(key) at \(version)")
    }
    print("REPRODUCE | \(samples.count) online answers at \(versions.count) versions reproduced")
  }
}
