import Foundation
import TestSupport
import XCTest

/// `idemstream produce` against the embedded broker (issue 17): an unreachable bootstrap is
/// one line within seconds, `-X` settings reach librdkafka (a bad one is named), `--header`
/// rides on every record and `--partition` picks the partition.
final class ProduceTests: XCTestCase {
  static let lines = (0..<4).map { index in
    #"{"feature_group":"user_stats","key":{"user_id":"u\#(index)"},"event_time":1,"#
      + #""values":{"clicks":\#(index)}}"#
  }
  static var input: Data { Data((lines.joined(separator: "\n") + "\n").utf8) }

  /// Every record of `topic`, as `partition headers value` lines sorted by partition and
  /// offset, read with confluent-kafka (headers as name=value, in the order sent).
  static func records(_ bootstrap: String, _ topic: String) throws -> [String] {
    try Python.run(
      """
      import sys
      from confluent_kafka import Consumer, TopicPartition
      c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "produce-tests",
                    "enable.auto.commit": False})
      topic = sys.argv[2]
      wanted = []
      for p in sorted(c.list_topics(topic, timeout=10).topics[topic].partitions):
          lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
          wanted += [(p, o) for o in range(lo, hi)]
      c.assign([TopicPartition(topic, p, 0) for p in {p for p, _ in wanted}])
      seen = {}
      while len(seen) < len(wanted):
          for m in c.consume(num_messages=100, timeout=2.0):
              if m.error() is None:
                  headers = ",".join(f"{k}={v.decode()}" for k, v in (m.headers() or []))
                  seen[(m.partition(), m.offset())] = f"{m.partition()} {headers} {m.value().decode()}"
      c.close()
      for place in sorted(seen):
          print(seen[place])
      """, [bootstrap, topic]
    ).split(separator: "\n").map(String.init)
  }

  /// Nothing listens on port 1: the default wait (5 s) ends in one line naming the
  /// bootstrap and the fix, not the 30 s delivery timeout.
  func testUnreachableBootstrapIsOneLineWithinSeconds() throws {
    let start = Date()
    let result = try Idemstream.run(
      ["produce", "--bootstrap", "127.0.0.1:1", "--topic", "features"], stdin: Self.input)
    let seconds = Date().timeIntervalSince(start)
    OperatorTests.assertRefused(
      result,
      "Error: cannot connect to 127.0.0.1:1: no broker answered within 5 s — start one, or "
        + "give --bootstrap the host:port of a running broker (TLS and SASL settings go in -X)")
    XCTAssertEqual(result.stdout, "")
    XCTAssertLessThan(seconds, 12, "gave up after \(seconds) s")

    let quick = try Idemstream.run(
      ["produce", "--bootstrap", "127.0.0.1:1", "--topic", "features", "--connect-timeout", "1"],
      stdin: Self.input)
    XCTAssertEqual(quick.status, 1, quick.stderr)
    XCTAssertTrue(quick.stderr.contains("no broker answered within 1 s"), quick.stderr)
  }

  /// A bad `-X` is refused before anything is sent, naming the key (or the text that is not
  /// key=value); a good one reaches librdkafka and wins over the flags: `-X
  /// bootstrap.servers` sends to the broker although `--bootstrap` names a closed port.
  func testSettingsReachLibrdkafkaAndABadOneIsNamed() throws {
    let broker = try EmbeddedBrokerProcess(partitions: 2)
    defer { broker.stop() }
    let base = ["produce", "--bootstrap", broker.bootstrap, "--topic", "features"]
    OperatorTests.assertRefused(
      try Idemstream.run(base + ["-X", "linger.ms=5", "-X", "no.such.key=1"], stdin: Self.input),
      #"Error: -X no.such.key=1: No such configuration property: "no.such.key" — give a "#
        + "librdkafka producer property (librdkafka's CONFIGURATION.md)")
    OperatorTests.assertRefused(
      try Idemstream.run(base + ["-X", "batch.num.messages=lots"], stdin: Self.input),
      #"Error: -X batch.num.messages=lots: Invalid value for configuration property "#
        + #""batch.num.messages" — give a value the property takes (librdkafka's "#
        + "CONFIGURATION.md)")
    OperatorTests.assertRefused(
      try Idemstream.run(base + ["-X", "linger.ms"], stdin: Self.input),
      "Error: -X 'linger.ms' is not name=value — give e.g. -X linger.ms=50")
    XCTAssertEqual(try Self.records(broker.bootstrap, "features"), [], "nothing was sent")

    let overridden = try Idemstream.run(
      [
        "produce", "--bootstrap", "127.0.0.1:1", "--topic", "features", "-X",
        "bootstrap.servers=\(broker.bootstrap)", "-X", "linger.ms=50",
      ], stdin: Self.input)
    XCTAssertEqual(overridden.status, 0, overridden.stderr)
    XCTAssertEqual(overridden.stdout, "produced 4 records to features (0 without an entity key)\n")
    XCTAssertEqual(try Self.records(broker.bootstrap, "features").count, 4)
  }

  /// `--header` (repeatable, split at the first `=`) is on every record, in the order
  /// given; `--partition` puts every record there; a partition the topic lacks and a
  /// header that is not name=value are refused by name.
  func testHeadersOnEveryRecordAndAnExplicitPartition() throws {
    let broker = try EmbeddedBrokerProcess(partitions: 3)
    defer { broker.stop() }
    let base = ["produce", "--bootstrap", broker.bootstrap, "--topic", "features"]
    let sent = try Idemstream.run(
      base + [
        "--partition", "2", "--header", "operation=delete", "--header", "source=a=b",
        "--header", "empty=",
      ], stdin: Self.input)
    XCTAssertEqual(sent.status, 0, sent.stderr)
    XCTAssertEqual(
      try Self.records(broker.bootstrap, "features"),
      Self.lines.map { "2 operation=delete,source=a=b,empty= \($0)" })

    OperatorTests.assertRefused(
      try Idemstream.run(base + ["--partition", "3"], stdin: Self.input),
      "Error: --partition 3: topic features has partitions 0–2 — give one of them, or leave "
        + "--partition out to send each record to its entity's partition")
    OperatorTests.assertRefused(
      try Idemstream.run(base + ["--partition=-1"], stdin: Self.input),
      "Error: --partition '-1' is not a partition — give a whole number from 0")
    OperatorTests.assertRefused(
      try Idemstream.run(base + ["--header", "=x"], stdin: Self.input),
      "Error: --header '=x' is not name=value — give e.g. --header operation=delete")
    XCTAssertEqual(try Self.records(broker.bootstrap, "features").count, 4, "nothing more sent")

    // Without --partition, each entity keeps to the partition its key hashes to.
    let keyed = try Idemstream.run(base + ["--header", "source=b"], stdin: Self.input)
    XCTAssertEqual(keyed.status, 0, keyed.stderr)
    let second = try Self.records(broker.bootstrap, "features").filter { $0.contains("source=b ") }
    XCTAssertEqual(second.count, 4)
    XCTAssertGreaterThan(Set(second.map { $0.prefix(1) }).count, 1, "\(second)")
  }
}
