import Foundation
import XCTest

/// `idemstream bench` end to end, small: its own broker, the real `run`, and a report whose
/// figures hang together. The figures themselves are BENCHMARKS.md's business; this keeps
/// the tool that measures them working.
final class BenchTests: XCTestCase {
  func testDrainReportsEveryRecordTheStagesAndARestart() throws {
    let result = try Idemstream.run([
      "bench", "--records", "20000", "--partitions", "8", "--keys", "5000", "--verify", "--json",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    let report = try Self.report(result.stdout)
    let produced = try XCTUnwrap(report["produced"] as? Int)
    // The workload re-sends 5% of the writes as duplicates: they are consumed too.
    XCTAssertGreaterThan(produced, 20_000)
    XCTAssertEqual(report["consumed"] as? Int, produced)
    XCTAssertEqual(report["verify_agreed"] as? Bool, true)
    XCTAssertNotNil(report["restart_millis"] as? Int)
    XCTAssertGreaterThan(try XCTUnwrap(report["peak_rss_bytes"] as? Int), 0)
    let stages = try XCTUnwrap(report["stage_seconds"] as? [String: Double])
    for stage in ["decode", "dedup", "online", "offline"] {
      XCTAssertGreaterThan(stages[stage] ?? 0, 0, "stage \(stage) in \(stages)")
    }
  }

  /// Sustained mode: every record produced is consumed and has a freshness sample, and a
  /// record's freshness (timestamp to visible online) is never less than its delivery
  /// (timestamp to taken from the consumer), so neither are their percentiles.
  func testSustainedLoadReportsFreshnessOfEveryRecord() throws {
    let result = try Idemstream.run([
      "bench", "--rate", "2000", "--duration", "2", "--partitions", "4", "--json",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    let report = try Self.report(result.stdout)
    let produced = try XCTUnwrap(report["produced"] as? Int)
    XCTAssertGreaterThanOrEqual(produced, 4000)
    XCTAssertEqual(report["consumed"] as? Int, produced)
    let freshness = try XCTUnwrap(report["freshness"] as? [String: Int])
    let delivery = try XCTUnwrap(report["delivery"] as? [String: Int])
    XCTAssertEqual(freshness["samples"], produced)
    XCTAssertEqual(delivery["samples"], produced)
    let p50 = try XCTUnwrap(freshness["p50_millis"])
    let p99 = try XCTUnwrap(freshness["p99_millis"])
    XCTAssertLessThanOrEqual(p50, p99)
    XCTAssertLessThanOrEqual(p99, try XCTUnwrap(freshness["max_millis"]))
    XCTAssertGreaterThanOrEqual(p50, try XCTUnwrap(delivery["p50_millis"]))
    XCTAssertGreaterThanOrEqual(p99, try XCTUnwrap(delivery["p99_millis"]))
    XCTAssertGreaterThan(try XCTUnwrap(report["commits"] as? Int), 0)
  }

  /// The `--json` document, its member names checked to be snake_case as every `--json`
  /// document's are (JSONOutputTests; the group names under `groups` are data).
  private static func report(_ stdout: String, file: StaticString = #filePath, line: UInt = #line)
    throws -> [String: Any]
  {
    let report = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any],
      "not one JSON document: \(stdout.prefix(500))")
    var checked = 0
    XCTAssertEqual(
      JSONOutputTests.violations(report, dataObjects: [#"^groups$"#], checked: &checked), [],
      file: file, line: line)
    return report
  }
}
