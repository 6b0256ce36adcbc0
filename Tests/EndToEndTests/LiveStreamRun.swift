import Foundation
import Kafka
import TestSupport
import XCTest

/// A stream that keeps arriving while `idemstream run` ingests it, from an in-process
/// embedded broker whose faults the test injects (`EmbeddedBroker.stopBroker`,
/// `injectErrors`, `setLatency`). It measures what RELIABILITY.md reports: records in,
/// records out, lost, doubled, time to recover, time to exit on SIGTERM.
final class LiveStreamRun: Sendable {
  let broker: EmbeddedBroker
  let topic = "features"
  let directory: TemporaryDirectory
  let workload: Workload
  let config: String
  var dataDir: String { directory.path + "/data" }

  init(writes: Int = 3000, seed: UInt64 = 11, maxRowsPerCommit: Int = 100) throws {
    broker = try EmbeddedBroker(topics: [topic: 4])
    directory = try TemporaryDirectory("idemstream-live")
    workload = Workload(writes: writes, seed: seed)
    config = directory.path + "/config.yaml"
    try Workload.config(
      bootstrap: broker.bootstrapServers, topic: topic, dataDir: dataDir, groupID: "live",
      maxRowsPerCommit: maxRowsPerCommit
    ).write(toFile: config, atomically: true, encoding: .utf8)
  }

  /// How a run under a fault went.
  struct Measurement: CustomStringConvertible {
    var recordsIn = 0
    var recordsOut = 0
    var lost = 0
    var doubled = 0
    var violations: [String] = []
    /// Delta log entries written while the fault lasted (all three tables).
    var commitsDuringFault = 0
    /// From the fault's end until the next commit landed: the service is moving again.
    var secondsToResume = 0.0
    /// From the last record produced (the producer waits out an outage too) until both
    /// stores held every record (zero lag in `status`).
    var secondsToCatchUp = 0.0
    /// From SIGTERM until the process was gone.
    var secondsToExit = 0.0
    var exitStatus: Int32 = -1
    var serviceLog = ""

    var description: String {
      "in \(recordsIn) | out \(recordsOut) | lost \(lost) | doubled \(doubled) | "
        + String(
          format: "%d log entries during the fault; resumed %.2f s after it, caught up %.1f s "
            + "after the last record | "
            + "SIGTERM: exit %d in %.2f s", commitsDuringFault, secondsToResume, secondsToCatchUp,
          exitStatus,
          secondsToExit)
    }
  }

  /// Produces a first part, starts the service, keeps producing in the background, runs
  /// `fault` (which returns once the fault is cleared) after the first commit, waits until
  /// the stores hold every record, stops the service with SIGTERM and checks CONTRACT.md
  /// invariants 1–3 against every record of the topic.
  func measure(
    environment: [String: String] = [:], fault: (LiveStreamRun) throws -> Void
  ) throws -> Measurement {
    let chunks = stride(from: 0, to: workload.lines.count, by: 150).map {
      Array(workload.lines[$0..<min($0 + 150, workload.lines.count)])
    }
    try produce(chunks[0])
    let service = try Idemstream.start(["run", "--config", config], environment: environment)
    let producer = BackgroundLoop { [self] in
      for chunk in chunks.dropFirst() {
        try? produce(chunk)
        usleep(300_000)
      }
    }
    let logs = ["user_stats_v1", "merchant_daily_v2", "_dead_letters"].map {
      dataDir + "/offline/\($0)/_delta_log"
    }
    let firstCommitBy = Date().addingTimeInterval(60)
    while CrashTests.logEntries(logs) == 0 && Date() < firstCommitBy && service.process.isRunning {
      usleep(20_000)
    }
    XCTAssertGreaterThan(CrashTests.logEntries(logs), 0, "no commit before the fault")
    let commitsBeforeFault = CrashTests.logEntries(logs)
    try fault(self)
    let cleared = Date()
    let commitsAtClear = CrashTests.logEntries(logs)
    var measurement = Measurement()
    measurement.commitsDuringFault = commitsAtClear - commitsBeforeFault
    let resumed = BrokerFaultTests.waitUntil(within: 120, every: 0.01) {
      CrashTests.logEntries(logs) > commitsAtClear
    }
    XCTAssertTrue(resumed, "no commit after the fault cleared")
    measurement.secondsToResume = Date().timeIntervalSince(cleared)
    producer.wait()
    let recoveryStart = Date()
    let caughtUp = try waitForZeroLag(within: 120)
    XCTAssertTrue(caughtUp, "the service did not catch up after the fault")
    measurement.secondsToCatchUp = Date().timeIntervalSince(recoveryStart)
    let signalled = Date()
    service.signal(SIGTERM)
    measurement.exitStatus = service.wait()
    measurement.secondsToExit = Date().timeIntervalSince(signalled)
    measurement.serviceLog = service.stderr
    let report = try invariants()
    let counts = report["counts"] as? [String: Int] ?? [:]
    measurement.recordsIn = counts["records"] ?? 0
    measurement.recordsOut =
      (counts["accepted"] ?? 0) + (counts["duplicate"] ?? 0) + (counts["dead_lettered"] ?? 0)
    measurement.violations = report["violations"] as? [String] ?? []
    measurement.lost = measurement.violations.filter { $0.contains("was lost") }.count
    measurement.doubled =
      measurement.violations.filter {
        $0.contains("twice") || $0.contains("two offline rows")
      }.count
    XCTAssertEqual(report["violation_count"] as? Int, 0, "\(measurement.violations)")
    XCTAssertEqual(measurement.recordsIn, workload.lines.count)
    XCTAssertEqual(counts["accepted"], workload.accepted)
    XCTAssertEqual(counts["duplicate"], workload.duplicates)
    XCTAssertEqual(counts["dead_lettered"], workload.malformed + workload.conflicts)
    XCTAssertEqual(measurement.exitStatus, 0, measurement.serviceLog)
    XCTAssertLessThan(measurement.secondsToExit, 5)
    return measurement
  }

  /// Sends `lines`, waiting out a broker outage (the fault tests stop it for 10 s) rather
  /// than giving up after `produce`'s default 5 s connect check.
  func produce(_ lines: [String]) throws {
    let result = try Idemstream.run(
      [
        "produce", "--bootstrap", broker.bootstrapServers, "--topic", topic, "--timeout", "60",
        "--connect-timeout", "60",
      ],
      stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
    XCTAssertEqual(result.status, 0, result.stderr)
  }

  /// Polls `status --json` until every partition has zero lag in both stores.
  func waitForZeroLag(within seconds: Double) throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      let status = try Idemstream.run(["status", "--config", config, "--json"])
      if status.status == 0,
        let doc = try? JSONSerialization.jsonObject(with: Data(status.stdout.utf8))
          as? [String: Any],
        let partitions = doc["partitions"] as? [[String: Any]], partitions.count == 4,
        partitions.allSatisfy({ ($0["lag"] as? Int) == 0 })
      {
        return true
      }
      usleep(200_000)
    }
    return false
  }

  /// stores.py's report on invariants 1–3 over every record of the topic.
  func invariants() throws -> [String: Any] {
    let folder = directory.path + "/dump"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for group in ["user_stats", "merchant_daily"] {
      let dump = try Idemstream.run(["online", "dump", "--config", config, "--group", group])
      XCTAssertEqual(dump.status, 0, dump.stderr)
      try dump.stdout.write(toFile: "\(folder)/\(group).jsonl", atomically: true, encoding: .utf8)
    }
    let out: String
    do {
      out = try Python.run(
        try interopScript("stores.py"),
        ["invariants", broker.bootstrapServers, topic, dataDir, Workload.groupsJSON, folder])
    } catch let failure as Python.Failure {
      // Exit 1 still prints the report: return it so the test can name the violations.
      return ["violation_count": -1, "violations": ["\(failure)"]]
    }
    return try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] ?? [:]
  }

  func tearDown() { directory.remove() }
}

/// Runs a closure on its own thread; `wait()` returns once it has finished.
final class BackgroundLoop: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)

  init(_ body: @escaping @Sendable () -> Void) {
    let thread = Thread { [done] in
      body()
      done.signal()
    }
    thread.start()
  }

  func wait() { done.wait() }
}
