import Foundation
import TestSupport
import XCTest

/// The operator's rough edges with Kafka (issue 17): a cluster that cannot be reached is
/// given up on within `kafka.connect_timeout`, and librdkafka's log lines go through the
/// service's logger once each, never in librdkafka's own format beside it.
final class OperatorKafkaTests: XCTestCase {
  /// `run --stop-at-end` against a closed port ends after `connect_timeout`, not never.
  func testUnreachableClusterIsGivenUpAfterTheConnectTimeout() throws {
    let directory = try TemporaryDirectory("idemstream-operator")
    defer { directory.remove() }
    let config = try OperatorTests.unreachableConfig(in: directory)
    let text = try String(contentsOfFile: config, encoding: .utf8)
    try text.replacingOccurrences(
      of: "  topics: [features]\n", with: "  topics: [features]\n  connect_timeout: 2s\n"
    )
    .write(toFile: config, atomically: true, encoding: .utf8)
    let started = Date()
    let result = try Idemstream.run(["run", "--config", config, "--stop-at-end"])
    let seconds = Date().timeIntervalSince(started)
    XCTAssertEqual(result.status, 1, result.stderr)
    XCTAssertGreaterThanOrEqual(seconds, 2, "it waited the timeout")
    XCTAssertLessThan(seconds, 15, "it gave up soon after the timeout")
    let lines = result.stderr.split(separator: "\n").map(String.init)
    XCTAssertEqual(
      lines.last,
      "Error: cannot reach the Kafka cluster at 127.0.0.1:1 within kafka.connect_timeout (2s): "
        + "Local: Broker transport failure — check kafka.bootstrap_servers and that the brokers "
        + "are up, or raise kafka.connect_timeout")
    Self.assertLibrdkafkaLinesAreLoggedOnce(lines)

    // `replay` asks the cluster the same way at start.
    let replay = try Idemstream.run(["replay", "--config", config, "--from-beginning", "--dry-run"])
    XCTAssertEqual(replay.status, 1, replay.stderr)
    XCTAssertTrue(
      replay.stderr.hasSuffix(
        "Error: cannot reach the Kafka cluster at 127.0.0.1:1 within kafka.connect_timeout (2s): "
          + "Local: Broker transport failure — check kafka.bootstrap_servers and that the "
          + "brokers are up, or raise kafka.connect_timeout\n"), replay.stderr)
  }

  /// A broker that goes away under a running service: each failure librdkafka reports is
  /// one line of the service's log (librdkafka's line), not that line plus the same error
  /// again as a Kafka error event, nor librdkafka's own `%3|...` print.
  func testBrokerFailuresAreLoggedOnceThroughTheLogger() throws {
    let fixture = try IngestionFixture(writes: 100)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a")
    let service = try Idemstream.start(["run", "--config", config])
    defer { service.stop() }
    XCTAssertTrue(
      BrokerFaultTests.waitUntil(within: 60) { service.stderr.contains("partitions assigned") },
      service.stderr)
    fixture.broker.stop()
    XCTAssertTrue(
      BrokerFaultTests.waitUntil(within: 30) {
        service.stderr.components(separatedBy: "Connection refused").count > 2
      }, service.stderr)
    service.signal(SIGTERM)
    XCTAssertEqual(service.wait(), 0, service.stderr)
    let lines = service.stderr.split(separator: "\n").map(String.init)
    Self.assertLibrdkafkaLinesAreLoggedOnce(lines)
  }

  /// Every line about a broker connection is a logger line carrying librdkafka's facility;
  /// there is at least one, and none is a Kafka error event repeating it.
  static func assertLibrdkafkaLinesAreLoggedOnce(
    _ lines: [String], file: StaticString = #filePath, line: UInt = #line
  ) {
    let failures = lines.filter { $0.contains("Connection refused") }
    XCTAssertFalse(failures.isEmpty, "no connection failure was logged", file: file, line: line)
    for failure in failures {
      XCTAssertTrue(failure.contains(" librdkafka=FAIL "), failure, file: file, line: line)
    }
    XCTAssertFalse(
      lines.contains { $0.hasPrefix("%") }, "librdkafka printed a line itself: \(lines)",
      file: file, line: line)
    XCTAssertFalse(
      lines.contains { $0.contains("_TRANSPORT") }, "a failure was logged twice: \(lines)",
      file: file, line: line)
  }
}
