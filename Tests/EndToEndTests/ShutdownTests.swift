import Foundation
import TestSupport
import XCTest

/// SIGTERM and SIGINT while commits are landing: the process commits the batch in hand and
/// exits 0 within 5 s, and the stores end up as after an uninterrupted run.
final class ShutdownTests: XCTestCase {
  func testSigtermAndSigintDuringCommitsExitCleanlyWithinFiveSeconds() throws {
    let fixture = try IngestionFixture(writes: 2500)
    defer { fixture.tearDown() }
    let reference = try fixture.config(name: "reference", maxRowsPerCommit: 60)
    _ = try fixture.runToEnd(reference)
    let expected = try fixture.snapshot("reference")
    let config = try fixture.config(name: "stopped", maxRowsPerCommit: 60)
    let logs = ["user_stats_v1", "merchant_daily_v2", "_dead_letters"].map {
      fixture.dataDir("stopped") + "/offline/\($0)/_delta_log"
    }
    var rng = SplitMix64(seed: 3)
    var slowest = 0.0
    let signals = [SIGTERM, SIGINT, SIGTERM, SIGINT, SIGTERM, SIGINT]
    for signal in signals {
      let before = CrashTests.logEntries(logs)
      let run = try Idemstream.start(["run", "--config", config])
      // Signal while it works: once a new commit shows, after a random pause (< 50 ms).
      let deadline = Date().addingTimeInterval(30)
      while CrashTests.logEntries(logs) == before && run.process.isRunning && Date() < deadline {
        usleep(1_000)
      }
      usleep(useconds_t(rng.next() % 50_000))
      let signalled = Date()
      run.signal(signal)
      let status = run.wait()
      let seconds = Date().timeIntervalSince(signalled)
      slowest = max(slowest, seconds)
      XCTAssertEqual(status, 0, "signal \(signal): \(run.stderr)")
      XCTAssertLessThan(seconds, 5, "signal \(signal) took \(seconds) s")
    }
    _ = try fixture.runToEnd(config)
    XCTAssertEqual(try fixture.snapshot("stopped"), expected)
    let report = try fixture.checkInvariants("stopped")
    XCTAssertEqual(report["violation_count"] as? Int, 0, "\(report["violations"] ?? "")")
    print(
      "RELIABILITY | SIGTERM/SIGINT during commits ×\(signals.count) | kill -TERM / -INT after a "
        + "commit lands + 0–50 ms | \(CrashTests.inOut(report)) | "
        + String(format: "slowest exit %.2f s, status 0", slowest))
  }

  /// A stop while the commit keeps failing (a disk that stays full) must not wait out the
  /// backoff: the process exits within 5 s, names the failure, and a later run carries on.
  func testSigtermWhileTheCommitKeepsFailingExitsWithinFiveSeconds() throws {
    let fixture = try IngestionFixture(writes: 600)
    defer { fixture.tearDown() }
    let reference = try fixture.config(name: "reference")
    _ = try fixture.runToEnd(reference)
    let expected = try fixture.snapshot("reference")
    let config = try fixture.config(name: "failing")
    let run = try Idemstream.start(
      ["run", "--config", config],
      environment: ["IDEMSTREAM_FAULT": "after-offline-data-files:1000"])
    // Four failures in: the backoff has grown to 1.6 s.
    XCTAssertTrue(
      BrokerFaultTests.waitUntil(within: 60) {
        run.stderr.components(separatedBy: "commit failed").count > 4
      }, run.stderr)
    let signalled = Date()
    run.signal(SIGTERM)
    let status = run.wait()
    let seconds = Date().timeIntervalSince(signalled)
    XCTAssertLessThan(seconds, 5)
    XCTAssertEqual(status, 1, "a batch that could not be committed is an error to report")
    XCTAssertTrue(run.stderr.contains("stopped while the commit kept failing"), run.stderr)
    _ = try fixture.runToEnd(config)
    XCTAssertEqual(try fixture.snapshot("failing"), expected)
    let report = try fixture.checkInvariants("failing")
    XCTAssertEqual(report["violation_count"] as? Int, 0, "\(report["violations"] ?? "")")
    print(
      "RELIABILITY | SIGTERM while the commit keeps failing | "
        + "IDEMSTREAM_FAULT=after-offline-data-files:1000, SIGTERM after 4 failures | "
        + "\(CrashTests.inOut(report)) | "
        + String(format: "exit 1 with the reason in %.2f s; restart: stores = reference", seconds))
  }
}
