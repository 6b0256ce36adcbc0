import Foundation
import TestSupport
import XCTest

/// Invariant 4: after a crash at any point and a restart, the stores hold the same logical
/// contents as an uninterrupted run of the same topic.
final class CrashTests: XCTestCase {
  static let failpoints = [
    "mid-batch", "after-offline-data-files", "between-offline-commits", "after-offline-commit",
    "after-online-commit",
  ]

  func testEveryFailpointRecoversToTheUninterruptedResult() throws {
    let fixture = try IngestionFixture(writes: 1200)
    defer { fixture.tearDown() }
    let reference = try fixture.config(name: "reference", maxRowsPerCommit: 300)
    _ = try fixture.runToEnd(reference)
    let expected = try fixture.snapshot("reference")
    try recoverAtEveryFailpoint(fixture, maxRowsPerCommit: 300, expected: expected) {
      failpoint, _, report in
      print(
        "RELIABILITY | crash at \(failpoint) ×3 | IDEMSTREAM_FAILPOINT=\(failpoint) (exit 86) "
          + "| \(Self.inOut(report)) | stores = uninterrupted run")
    }
  }

  /// For each failpoint: crash there three times over, then finish without it; the stores
  /// must end as `expected` with every invariant holding. `afterEach` checks more.
  private func recoverAtEveryFailpoint(
    _ fixture: IngestionFixture, maxRowsPerCommit: Int, expected: String,
    afterEach: (_ failpoint: String, _ config: String, _ report: [String: Any]) throws -> Void
  ) throws {
    for failpoint in Self.failpoints {
      let config = try fixture.config(name: failpoint, maxRowsPerCommit: maxRowsPerCommit)
      for _ in 0..<3 {
        let crashed = try Idemstream.run(
          ["run", "--config", config, "--stop-at-end"],
          environment: ["IDEMSTREAM_FAILPOINT": failpoint])
        XCTAssertNotEqual(crashed.status, 0, "\(failpoint) did not fire: \(crashed.stderr)")
      }
      _ = try fixture.runToEnd(config)
      XCTAssertEqual(try fixture.snapshot(failpoint), expected, "after failpoint \(failpoint)")
      let report = try fixture.checkInvariants(failpoint)
      XCTAssertEqual(report["violation_count"] as? Int, 0, "\(report["violations"] ?? "")")
      try afterEach(failpoint, config, report)
    }
  }

  /// A stream of one group without bad records: every batch is one Delta commit that ends
  /// it by itself (DESIGN.md, step 4), and an uninterrupted run never writes the dead-letter
  /// table. A crash at each point, three times over, still ends as the uninterrupted run,
  /// and `status` places the offline store at the end of every partition. (Restarts re-read
  /// records the tables hold: such batches have no rows, and the dead-letter table records
  /// their positions.)
  func testOneCommitBatchesRecoverAtEveryFailpoint() throws {
    let fixture = try IngestionFixture(writes: 1200) { line in
      line.contains("\"feature_group\":\"user_stats\"") && !line.contains("\"clicks\":-1")
        && !Workload.malformed.contains(line)
    }
    defer { fixture.tearDown() }
    let reference = try fixture.config(name: "reference", maxRowsPerCommit: 50)
    _ = try fixture.runToEnd(reference)
    let expected = try fixture.snapshot("reference")
    // Uninterrupted, no batch needed a dead-letter commit: only the table's creation.
    let deadLetters = fixture.dataDir("reference") + "/offline/_dead_letters/_delta_log"
    XCTAssertEqual(Self.logEntries([deadLetters]), 1)
    try recoverAtEveryFailpoint(fixture, maxRowsPerCommit: 50, expected: expected) {
      failpoint, config, report in
      let status = try Idemstream.run(["status", "--config", config, "--json"])
      XCTAssertEqual(status.status, 0, status.stderr)
      let doc = try XCTUnwrap(
        try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
      for partition in try XCTUnwrap(doc["partitions"] as? [[String: Any]]) {
        XCTAssertEqual(partition["lag"] as? Int, 0, "\(failpoint): \(partition)")
        XCTAssertEqual(
          partition["offline_offset"] as? Int, partition["online_offset"] as? Int,
          "\(failpoint): \(partition)")
      }
      print(
        "RELIABILITY | one-commit batches, crash at \(failpoint) ×3 | \(Self.inOut(report)) "
          + "| stores = uninterrupted run, status at zero lag")
    }
  }

  /// `kill -9` at random moments (seeded, so a failure can be repeated).
  func testKillNineAtRandomMomentsLosesAndDoublesNothing() throws {
    let iterations =
      Int(ProcessInfo.processInfo.environment["IDEMSTREAM_KILL_ITERATIONS"] ?? "") ?? 10
    let fixture = try IngestionFixture(writes: 4000)
    defer { fixture.tearDown() }
    let reference = try fixture.config(name: "reference", maxRowsPerCommit: 60)
    _ = try fixture.runToEnd(reference)
    let expected = try fixture.snapshot("reference")
    let config = try fixture.config(name: "killed", maxRowsPerCommit: 60)
    var rng = SplitMix64(seed: 7)
    try Self.killNine(
      times: iterations, config: config, dataDir: fixture.dataDir("killed"),
      pauseMicroseconds: 150_000, random: &rng)
    _ = try fixture.runToEnd(config)
    XCTAssertEqual(try fixture.snapshot("killed"), expected)
    let report = try fixture.checkInvariants("killed")
    XCTAssertEqual(report["violation_count"] as? Int, 0, "\(report["violations"] ?? "")")
    print(
      "RELIABILITY | kill -9 ×\(iterations) | SIGKILL after a commit lands + 0–150 ms, restart "
        + "| \(Self.inOut(report)) | stores = uninterrupted run")
  }

  /// `in N | out N | lost N | doubled N` from a stores.py invariants report.
  static func inOut(_ report: [String: Any]) -> String {
    let counts = report["counts"] as? [String: Int] ?? [:]
    let violations = report["violations"] as? [String] ?? []
    let out =
      (counts["accepted"] ?? 0) + (counts["duplicate"] ?? 0) + (counts["dead_lettered"] ?? 0)
    let lost = violations.filter { $0.contains("was lost") }.count
    let doubled = violations.filter { $0.contains("twice") || $0.contains("two offline rows") }
      .count
    return "in \(counts["records"] ?? 0) | out \(out) | lost \(lost) | doubled \(doubled)"
  }

  /// How many log entries the tables have: a rising count means commits are landing.
  /// Starts `run --stop-at-end` `times` times and `kill -9`s it while it works: once a new
  /// commit shows in one of the workload's tables, after a random pause.
  static func killNine(
    times: Int, config: String, dataDir: String, pauseMicroseconds: UInt64,
    random: inout SplitMix64
  ) throws {
    let logs = ["user_stats_v1", "merchant_daily_v2", "_dead_letters"].map {
      dataDir + "/offline/\($0)/_delta_log"
    }
    for _ in 0..<times {
      let before = logEntries(logs)
      let run = try Idemstream.start(["run", "--config", config, "--stop-at-end"])
      let deadline = Date().addingTimeInterval(20)
      while logEntries(logs) == before && run.process.isRunning && Date() < deadline {
        usleep(2_000)
      }
      usleep(useconds_t(random.next() % pauseMicroseconds))
      run.signal(SIGKILL)
      _ = run.wait()
    }
  }

  static func logEntries(_ logs: [String]) -> Int {
    logs.reduce(0) { $0 + ((try? FileManager.default.contentsOfDirectory(atPath: $1))?.count ?? 0) }
  }
}
