import Foundation
import Kafka
import XCTest

/// Broker faults while the stream flows (the reliability issue): the service recovers by
/// itself, loses and doubles nothing, and exits cleanly on SIGTERM afterwards. Each test
/// prints one `RELIABILITY |` line: the row of RELIABILITY.md it stands for.
final class BrokerFaultTests: XCTestCase {
  func testBrokerDownForTenSecondsMidStream() throws {
    let run = try LiveStreamRun()
    defer { run.tearDown() }
    let result = try run.measure { run in
      try run.broker.stopBroker()
      sleep(10)
      try run.broker.startBroker()
    }
    report("broker down 10 s", "EmbeddedBroker.stopBroker, 10 s, startBroker", result)
  }

  func testInjectedFetchErrors() throws {
    let run = try LiveStreamRun()
    defer { run.tearDown() }
    let result = try run.measure { run in
      let errors =
        [KafkaErrorCode](
          repeating: .notLeaderForPartition, count: 10)
        + [KafkaErrorCode](
          repeating: .requestTimedOut, count: 10)
      try run.broker.injectErrors(errors, into: .fetch)
      XCTAssertTrue(
        Self.waitUntil(within: 60) { try run.broker.pendingInjectedErrors(for: .fetch) == 0 },
        "the service never fetched past the injected errors")
    }
    report("Fetch errors", "injectErrors: 10 NOT_LEADER + 10 REQUEST_TIMED_OUT into Fetch", result)
  }

  func testInjectedOffsetCommitErrors() throws {
    let run = try LiveStreamRun()
    defer { run.tearDown() }
    let result = try run.measure { run in
      let errors =
        [KafkaErrorCode](repeating: .requestTimedOut, count: 5)
        + [KafkaErrorCode](repeating: .coordinatorNotAvailable, count: 5)
      try run.broker.injectErrors(errors, into: .offsetCommit)
      XCTAssertTrue(
        Self.waitUntil(within: 60) {
          try run.broker.pendingInjectedErrors(for: .offsetCommit) == 0
        }, "the service never committed offsets past the injected errors")
    }
    report(
      "OffsetCommit errors",
      "injectErrors: 5 REQUEST_TIMED_OUT + 5 COORDINATOR_NOT_AVAILABLE into OffsetCommit", result)
  }

  func testAddedLatencyOf500Milliseconds() throws {
    let run = try LiveStreamRun()
    defer { run.tearDown() }
    let result = try run.measure { run in
      try run.broker.setLatency(.milliseconds(500))
      sleep(8)
      try run.broker.setLatency(.zero)
    }
    report("500 ms latency", "EmbeddedBroker.setLatency(500 ms) for 8 s", result)
  }

  /// Polls `condition` every `interval` seconds until it holds or `seconds` have passed.
  static func waitUntil(
    within seconds: Double, every interval: Double = 0.05, _ condition: () throws -> Bool
  ) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if (try? condition()) == true { return true }
      usleep(useconds_t(interval * 1_000_000))
    }
    return false
  }

  private func report(_ fault: String, _ injection: String, _ result: LiveStreamRun.Measurement) {
    print("RELIABILITY | \(fault) | \(injection) | \(result)")
  }
}
