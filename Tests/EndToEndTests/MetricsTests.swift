import Foundation
import TestSupport
import XCTest

/// `run --metrics-port`: `/metrics` read by Prometheus's own Python client parser, and the
/// health endpoints.
final class MetricsTests: XCTestCase {
  /// Every family the service serves, with the label names of each (docs/reference.md,
  /// "Metrics and health"). A family served but not listed here fails the test too.
  static let families: [String: Set<String>] = [
    "idemstream_records_consumed_total": [],
    "idemstream_records_total": ["outcome", "group"],
    "idemstream_dead_letters_total": ["reason"],
    "idemstream_entity_partition_violations_total": ["group"],
    "idemstream_lag_records": ["topic", "partition"],
    "idemstream_freshness_seconds": [],
    "idemstream_commit_seconds": ["store"],
    "idemstream_commit_failures_total": [],
    "idemstream_commit_failing": [],
    "idemstream_table_version": ["table"],
    "idemstream_table_last_commit_timestamp_seconds": ["table"],
    "idemstream_rebalances_total": ["event"],
    "idemstream_kafka_errors_total": [],
    "idemstream_build_info": ["version"],
    "process_cpu_seconds_total": [],
    "process_resident_memory_bytes": [],
    "process_open_fds": [],
  ]

  static let reasonCodes = [
    "empty_value", "null_value", "too_large", "not_utf8", "invalid_json", "not_an_object",
    "too_deep", "missing_field", "unknown_field", "duplicate_field", "wrong_type",
    "out_of_range", "invalid_timestamp", "unknown_feature_group", "unknown_feature",
    "missing_key_column", "invalid_idempotency_key", "invalid_operation", "event_time_ahead",
    "conflict",
  ]

  /// One parsed sample: its name (with `_total`, `_bucket`... as served), labels and value.
  struct Sample {
    let name: String
    let labels: [String: String]
    let value: Double
  }

  /// One family as `prometheus_client.parser.text_string_to_metric_families` reads it, by the
  /// name it is served under (the parser drops a counter's `_total`; it is put back here).
  struct Family {
    let type: String
    let help: String
    let samples: [Sample]

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
      samples.first { $0.name == name && $0.labels == labels }?.value
    }
  }

  /// Parses a scrape with the real Prometheus client parser; a text it refuses fails here.
  static func parse(_ text: String) throws -> [String: Family] {
    let json = try Python.run(
      """
      import json, sys
      from prometheus_client.parser import text_string_to_metric_families
      out = []
      for f in text_string_to_metric_families(sys.stdin.read()):
          out.append({"name": f.name, "type": f.type, "help": f.documentation,
                      "samples": [[s.name, s.labels, s.value] for s in f.samples]})
      print(json.dumps(out))
      """, stdin: Data(text.utf8))
    let parsed = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
    var families: [String: Family] = [:]
    for family in parsed {
      let name = try XCTUnwrap(family["name"] as? String)
      let type = try XCTUnwrap(family["type"] as? String)
      let samples = try XCTUnwrap(family["samples"] as? [[Any]]).map { sample in
        Sample(
          name: sample[0] as? String ?? "", labels: sample[1] as? [String: String] ?? [:],
          value: (sample[2] as? NSNumber)?.doubleValue ?? .nan)
      }
      let served = type == "counter" ? name + "_total" : name
      XCTAssertNil(families[served], "\(served) is served twice")
      families[served] = Family(type: type, help: family["help"] as? String ?? "", samples: samples)
    }
    return families
  }

  /// Asserts every family has help and a type and is one of `families`, each sample with
  /// exactly its family's labels (and `le` on a histogram's buckets).
  static func assertDescribed(
    _ families: [String: Family], file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(
      Set(families.keys), Set(Self.families.keys), "the families served", file: file, line: line)
    for (name, family) in families {
      XCTAssertFalse(family.help.isEmpty, "\(name) has no # HELP", file: file, line: line)
      XCTAssertTrue(
        ["counter", "gauge", "histogram"].contains(family.type), "\(name): # TYPE \(family.type)",
        file: file, line: line)
      for sample in family.samples {
        var labels = Set(sample.labels.keys)
        if sample.name.hasSuffix("_bucket") { XCTAssertNotNil(labels.remove("le")) }
        XCTAssertEqual(
          labels, Self.families[name] ?? [], "\(sample.name) \(sample.labels)", file: file,
          line: line)
      }
    }
  }

  /// A run over the known stream: after its records are committed, every family is
  /// described, the counts are the stream's, the tables' versions are deltalake's, and the
  /// process figures are the kernel's. /healthz and /readyz answer 200 while it runs.
  func testScrapeIsParsedByPrometheusAndCountsWhatWasProduced() throws {
    let fixture = try KnownOutcomeFixture()
    defer { fixture.tearDown() }
    let port = MetricsScrape.freePort()
    let service = try Idemstream.start([
      "run", "--config", fixture.config, "--metrics-port", "\(port)",
    ])
    defer { service.stop() }
    let deadline = Date().addingTimeInterval(60)
    var consumed: Double?
    while Date() < deadline {
      consumed = MetricsScrape.value("idemstream_records_consumed_total", port: port)
      if consumed == Double(KnownOutcomeStream.consumed) { break }
      usleep(100_000)
    }
    XCTAssertEqual(consumed, Double(KnownOutcomeStream.consumed), service.stderr)
    let text = try XCTUnwrap(MetricsScrape.fetch(port: port))
    let pid = service.process.processIdentifier
    let fds = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
    let statm = try String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8)
    let rss = Double(statm.split(separator: " ")[1])! * Double(sysconf(Int32(_SC_PAGESIZE)))
    let families = try Self.parse(text)
    Self.assertDescribed(families)

    let records = try XCTUnwrap(families["idemstream_records_total"])
    for (outcome, count) in [
      ("applied", 20), ("stale", 0), ("duplicate", 3), ("conflict", 1), ("held", 0),
    ] {
      XCTAssertEqual(
        records.value(
          "idemstream_records_total", ["outcome": outcome, "group": "user_stats"]),
        Double(count), outcome)
      XCTAssertEqual(
        records.value(
          "idemstream_records_total", ["outcome": outcome, "group": "merchant_daily"]), 0,
        "every group's series is there at 0")
    }
    let deadLetters = try XCTUnwrap(families["idemstream_dead_letters_total"])
    XCTAssertEqual(deadLetters.samples.count, Self.reasonCodes.count, "\(deadLetters.samples)")
    for code in Self.reasonCodes {
      XCTAssertEqual(
        deadLetters.value("idemstream_dead_letters_total", ["reason": code]),
        Double(KnownOutcomeStream.deadLetters[code] ?? 0), code)
    }
    let lag = try XCTUnwrap(families["idemstream_lag_records"])
    XCTAssertEqual(Set(lag.samples.map { $0.labels["partition"] ?? "" }), ["0", "1"])
    XCTAssertTrue(lag.samples.allSatisfy { $0.value == 0 }, "\(lag.samples)")

    let freshness = try XCTUnwrap(families["idemstream_freshness_seconds"])
    let bounds = freshness.samples.filter { $0.name.hasSuffix("_bucket") }
      .compactMap { $0.labels["le"] }
    XCTAssertEqual(bounds.last, "+Inf")
    XCTAssertEqual(bounds.compactMap(Double.init).filter(\.isFinite).max(), 300)
    XCTAssertGreaterThanOrEqual(freshness.value("idemstream_freshness_seconds_count") ?? 0, 1)
    let commits = try XCTUnwrap(families["idemstream_commit_seconds"])
    XCTAssertGreaterThanOrEqual(
      commits.value("idemstream_commit_seconds_count", ["store": "offline"]) ?? 0, 1)
    XCTAssertEqual(
      families["idemstream_commit_failing"]?.value("idemstream_commit_failing"), 0)
    XCTAssertEqual(
      families["idemstream_commit_failures_total"]?.value("idemstream_commit_failures_total"), 0)

    // Each table's version and last commit, as deltalake reads the table.
    let tables = try Python.run(
      """
      import json, sys
      from deltalake import DeltaTable
      out = {}
      for name in sys.argv[2:]:
          t = DeltaTable(sys.argv[1] + "/offline/" + name)
          out[name] = [t.version(), t.history(1)[0]["timestamp"] / 1000]
      print(json.dumps(out))
      """, [fixture.dataDir, "user_stats_v1", "merchant_daily_v2", "_dead_letters"])
    let expected = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(tables.utf8)) as? [String: [Double]])
    let versions = try XCTUnwrap(families["idemstream_table_version"])
    let lastCommits = try XCTUnwrap(families["idemstream_table_last_commit_timestamp_seconds"])
    for (table, state) in expected {
      XCTAssertEqual(versions.value("idemstream_table_version", ["table": table]), state[0], table)
      let committed = try XCTUnwrap(
        lastCommits.value("idemstream_table_last_commit_timestamp_seconds", ["table": table]))
      XCTAssertEqual(committed, state[1], accuracy: 2, table)
    }
    let rebalances = try XCTUnwrap(families["idemstream_rebalances_total"])
    XCTAssertGreaterThanOrEqual(
      rebalances.value("idemstream_rebalances_total", ["event": "assigned"]) ?? 0, 1)
    XCTAssertEqual(rebalances.value("idemstream_rebalances_total", ["event": "revoked"]), 0)
    XCTAssertNotNil(
      families["idemstream_kafka_errors_total"]?.value("idemstream_kafka_errors_total"))
    XCTAssertEqual(
      families["idemstream_build_info"]?.value("idemstream_build_info", ["version": "0.1.0"]), 1)

    let cpu = try XCTUnwrap(
      families["process_cpu_seconds_total"]?.value("process_cpu_seconds_total"))
    XCTAssertGreaterThan(cpu, 0)
    let openFDs = try XCTUnwrap(families["process_open_fds"]?.value("process_open_fds"))
    XCTAssertEqual(openFDs, Double(fds), accuracy: 8, "the kernel's count of /proc/\(pid)/fd")
    let resident = try XCTUnwrap(
      families["process_resident_memory_bytes"]?.value("process_resident_memory_bytes"))
    XCTAssertEqual(resident, rss, accuracy: rss / 4, "the kernel's /proc/\(pid)/statm")

    XCTAssertEqual(MetricsScrape.get("/healthz", port: port)?.status, 200)
    XCTAssertEqual(MetricsScrape.get("/healthz", port: port)?.body, "ok\n")
    let ready = try XCTUnwrap(MetricsScrape.get("/readyz", port: port))
    XCTAssertEqual(ready.status, 200)
    XCTAssertEqual(ready.body, "ready: 2 partitions assigned\n")
    let other = try XCTUnwrap(MetricsScrape.get("/nope", port: port))
    XCTAssertEqual(other.status, 404)
    XCTAssertEqual(other.body, "not found: try /metrics, /healthz or /readyz\n")

    service.signal(SIGTERM)
    XCTAssertEqual(service.wait(), 0, service.stderr)
  }

  /// Before partitions are assigned (here: no broker answers, and `run` waits out
  /// kafka.connect_timeout), /healthz is 200, /readyz 503 with the reason, and /metrics
  /// already serves every series known at start-up, at 0.
  func testReadyzIs503UntilPartitionsAreAssignedAndSeriesStartAtZero() throws {
    let directory = try TemporaryDirectory("idemstream-metrics")
    defer { directory.remove() }
    let config = directory.url.appendingPathComponent("waiting.yaml").path
    try Workload.config(
      bootstrap: "127.0.0.1:1", topic: "features",
      dataDir: directory.url.appendingPathComponent("data").path
    ).replacingOccurrences(of: "  group_id:", with: "  connect_timeout: 60s\n  group_id:")
      .write(toFile: config, atomically: true, encoding: .utf8)
    let port = MetricsScrape.freePort()
    let service = try Idemstream.start(["run", "--config", config, "--metrics-port", "\(port)"])
    defer { service.stop() }
    var health: (status: Int, body: String)?
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
      health = MetricsScrape.get("/healthz", port: port)
      // The stores open just after the endpoint starts listening: wait for them too.
      if health != nil, FileManager.default.fileExists(atPath: directory.path + "/data/online") {
        break
      }
      usleep(50_000)
    }
    XCTAssertEqual(health?.status, 200, service.stderr)
    usleep(300_000)
    let ready = try XCTUnwrap(MetricsScrape.get("/readyz", port: port))
    XCTAssertEqual(ready.status, 503)
    XCTAssertEqual(
      ready.body,
      "not ready: no partitions are assigned (waiting for the broker or the consumer group)\n")

    let families = try Self.parse(try XCTUnwrap(MetricsScrape.fetch(port: port)))
    // Lag appears per partition once assigned; every other family is there from the start.
    var startFamilies = Self.families
    startFamilies["idemstream_lag_records"] = nil
    XCTAssertEqual(Set(families.keys), Set(startFamilies.keys))
    XCTAssertEqual(
      families["idemstream_records_consumed_total"]?.value("idemstream_records_consumed_total"), 0)
    let records = try XCTUnwrap(families["idemstream_records_total"])
    XCTAssertEqual(records.samples.count, 10, "5 outcomes × 2 groups")
    XCTAssertTrue(records.samples.allSatisfy { $0.value == 0 })
    let deadLetters = try XCTUnwrap(families["idemstream_dead_letters_total"])
    XCTAssertEqual(
      Set(deadLetters.samples.compactMap { $0.labels["reason"] }), Set(Self.reasonCodes))
    XCTAssertTrue(deadLetters.samples.allSatisfy { $0.value == 0 })
    XCTAssertEqual(
      families["idemstream_table_version"]?.value(
        "idemstream_table_version", ["table": "user_stats_v1"]), 0, "just created")
    for family in families.values { XCTAssertFalse(family.help.isEmpty) }
    // SIGTERM would wait for kafka.connect_timeout to run out: the test ends it at once.
    service.signal(SIGKILL)
    _ = service.wait()
  }
}
