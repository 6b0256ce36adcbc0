import Foundation
import Kafka
import XCTest

/// Client settings for tests: quiet logs, and reconnects within half a second so that
/// fault tests do not wait for librdkafka's 10 s maximum backoff.
let testClientSettings = [
  "log_level": "2", "reconnect.backoff.max.ms": "500", "heartbeat.interval.ms": "500",
]

func makeProducer(_ broker: EmbeddedBroker) throws -> KafkaProducer {
  var configuration = KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServers)
  configuration.settings = testClientSettings
  return try KafkaProducer(configuration: configuration)
}

func makeConsumer(
  _ broker: EmbeddedBroker, group: String? = nil,
  reset: KafkaOffset = .beginning, extra: [String: String] = [:]
) throws -> KafkaConsumer {
  var configuration = KafkaConsumerConfiguration(
    bootstrapServers: broker.bootstrapServers, groupID: group)
  configuration.offsetResetPolicy = reset
  configuration.settings = testClientSettings.merging(extra) { _, new in new }
  return try KafkaConsumer(configuration: configuration)
}

extension KafkaConsumer {
  /// Polls until `count` records have arrived or `limit` has passed; returns the records
  /// and every event seen on the way.
  func pollRecords(count: Int, within limit: Duration = .seconds(20)) throws -> (
    records: [KafkaRecord], events: [KafkaConsumerEvent]
  ) {
    var records: [KafkaRecord] = []
    var events: [KafkaConsumerEvent] = []
    let deadline = ContinuousClock.now + limit
    while records.count < count && ContinuousClock.now < deadline {
      let result = try poll(maxRecords: count - records.count, timeout: .milliseconds(100))
      records += result.records
      events += result.events
    }
    return (records, events)
  }

  /// Polls for `duration`, returning whatever arrived.
  func pollFor(_ duration: Duration) throws -> (
    records: [KafkaRecord], events: [KafkaConsumerEvent]
  ) {
    var records: [KafkaRecord] = []
    var events: [KafkaConsumerEvent] = []
    let deadline = ContinuousClock.now + duration
    while ContinuousClock.now < deadline {
      let result = try poll(timeout: .milliseconds(50))
      records += result.records
      events += result.events
    }
    return (records, events)
  }
}

extension String {
  var bytes: [UInt8] { Array(utf8) }
}

extension Array where Element == UInt8 {
  var text: String { String(decoding: self, as: UTF8.self) }
}

/// Asserts that each partition's records are exactly the offsets `first..<first+count`, in
/// order: nothing lost, nothing repeated, nothing out of order.
func assertContiguous(
  _ records: [KafkaRecord], expected: [TopicPartition: Range<Int64>],
  file: StaticString = #filePath, line: UInt = #line
) {
  let byPartition = Dictionary(grouping: records, by: \.topicPartition)
  XCTAssertEqual(Set(byPartition.keys), Set(expected.keys), file: file, line: line)
  for (partition, range) in expected {
    let offsets = byPartition[partition, default: []].map(\.offset)
    XCTAssertEqual(offsets, Array(range), "offsets of \(partition)", file: file, line: line)
  }
}
