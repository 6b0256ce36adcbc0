import Foundation
import TestSupport
import XCTest

/// Disk faults in the offline directory, injected as write failures at each step of the
/// commit protocol (`IDEMSTREAM_FAULT=<failpoint>:<count>`, as ENOSPC would strike): the
/// service stops advancing, retries with backoff, says what is wrong in its log and
/// metrics, never leaves a half-written version visible, and carries on once the fault is
/// gone, ending with exactly the stores of a run that met no fault.
final class DiskFaultTests: XCTestCase {
  static let points = [
    "mid-batch", "after-offline-data-files", "between-offline-commits", "after-offline-commit",
  ]

  func testWriteFailuresAtEveryStepAreRetriedUntilTheyClear() throws {
    let fixture = try IngestionFixture(writes: 1200)
    defer { fixture.tearDown() }
    let reference = try fixture.config(name: "reference", maxRowsPerCommit: 300)
    let referenceStart = Date()
    _ = try fixture.runToEnd(reference)
    let referenceSeconds = Date().timeIntervalSince(referenceStart)
    let expected = try fixture.snapshot("reference")
    for point in Self.points {
      let config = try fixture.config(name: point, maxRowsPerCommit: 300)
      let port = MetricsScrape.freePort()
      // Five failures, each retried after a backoff (0.1 s, doubling within one batch).
      let started = Date()
      let run = try Idemstream.start(
        ["run", "--config", config, "--stop-at-end", "--metrics-port", "\(port)"],
        environment: ["IDEMSTREAM_FAULT": "\(point):5"])
      // While it fails: an error in the log, the failure counted, the gauge up, no progress.
      XCTAssertTrue(
        BrokerFaultTests.waitUntil(within: 60) { run.stderr.contains("commit failed") },
        "\(point): no error logged: \(run.stderr)")
      let committedWhileFailing = CrashTests.logEntries(Self.deadLetterLog(fixture, point))
      XCTAssertTrue(
        BrokerFaultTests.waitUntil(within: 5) {
          (MetricsScrape.value("idemstream_commit_failures_total", port: port) ?? 0) >= 2
        }, "\(point): failures not counted in /metrics")
      XCTAssertEqual(MetricsScrape.value("idemstream_commit_failing", port: port), 1, point)
      // Between two table commits a retry takes the next table before it fails again, so
      // there the offline position may move once a batch's tables are all in.
      if point != "between-offline-commits" {
        XCTAssertEqual(
          CrashTests.logEntries(Self.deadLetterLog(fixture, point)), committedWhileFailing,
          "\(point): the offline position moved while its commit failed")
      }
      XCTAssertEqual(run.wait(), 0, "\(point): \(run.stderr)")
      let seconds = Date().timeIntervalSince(started)
      let log = run.stderr
      XCTAssertEqual(
        log.components(separatedBy: "commit failed").count - 1, 5, "\(point): \(log)")
      XCTAssertTrue(log.contains("No space left on device"), log)
      let versions = try Self.everyVersionReadable(fixture.dataDir(point))
      XCTAssertEqual(try fixture.snapshot(point), expected, "after write failures at \(point)")
      let report = try fixture.checkInvariants(point)
      XCTAssertEqual(report["violation_count"] as? Int, 0, "\(report["violations"] ?? "")")
      print(
        "RELIABILITY | write fails 5× at \(point) | IDEMSTREAM_FAULT=\(point):5 "
          + "| \(CrashTests.inOut(report)) | "
          + String(
            format: "run %.1f s (%.1f s without the fault), every one of %d versions whole",
            seconds, referenceSeconds, versions))
    }
  }

  static func deadLetterLog(_ fixture: IngestionFixture, _ name: String) -> [String] {
    [fixture.dataDir(name) + "/offline/_dead_letters/_delta_log"]
  }

  /// Reads every version of every table with deltalake: each must load whole (every file
  /// it names present and readable), no version may hold a record twice, and versions only
  /// grow. Returns how many versions were read.
  static func everyVersionReadable(_ dataDir: String) throws -> Int {
    let out = try Python.run(
      """
      import os, sys
      from deltalake import DeltaTable
      root = sys.argv[1] + "/offline"
      read = 0
      for name in sorted(os.listdir(root)):
          path = os.path.join(root, name)
          latest = DeltaTable(path).version()
          before = 0
          for v in range(0, latest + 1):
              rows = DeltaTable(path, version=v).to_pyarrow_table().to_pylist()
              if "_kafka_offset" in (rows[0] if rows else {}):
                  pos = [(r["_kafka_partition"], r["_kafka_offset"]) for r in rows]
              else:
                  pos = [(r["partition"], r["offset"]) for r in rows]
              assert len(pos) == len(set(pos)), f"{name} v{v}: a record twice"
              assert len(rows) >= before, f"{name} v{v}: rows went away"
              before = len(rows)
              read += 1
      print(read)
      sys.stdout.flush()
      os._exit(0)  # skip pyarrow's thread-pool teardown, which can abort (see stores.py)
      """, [dataDir])
    return Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
  }
}
