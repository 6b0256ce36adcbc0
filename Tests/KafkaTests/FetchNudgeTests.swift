import Kafka
import XCTest

/// librdkafka 2.0.2 stops fetching while the prefetch queue is full and, left alone, looks
/// again only when the broker's thread next wakes, up to a second later. These tests make
/// every fetch fill the queue (a 1 KiB queue, fetches of at most 4 KiB) so that the pause
/// comes after every fetch.
final class FetchNudgeTests: XCTestCase {
  private let topic = "nudged"
  private let records = 2_000
  private let smallFetches = [
    "queued.max.messages.kbytes": "1", "fetch.max.bytes": "4096",
    "max.partition.fetch.bytes": "4096", "message.max.bytes": "1000",
  ]

  private func produce(to broker: EmbeddedBroker) throws {
    let producer = try makeProducer(broker)
    let value = [UInt8](repeating: 0x61, count: 100)
    // Flushed in small batches: a fetch returns at least one whole batch, whatever its size.
    for index in 0..<records {
      try producer.send(topic: topic, key: nil, value: value, partition: 0)
      if index % 20 == 19 { try producer.flush() }
    }
    try producer.flush()
  }

  /// Polls like the service does: whenever a poll drains the queue, nudge.
  private func drain(_ consumer: KafkaConsumer, nudging: Bool, within limit: Duration) throws
    -> [Int64]
  {
    var offsets: [Int64] = []
    let deadline = ContinuousClock.now + limit
    while offsets.count < records && ContinuousClock.now < deadline {
      let result = try consumer.poll(maxRecords: 1_000, timeout: .milliseconds(20))
      offsets += result.records.map(\.offset)
      if nudging && result.records.count < 1_000 {
        consumer.nudgeFetchers(for: [TopicPartition(topic, 0)])
      }
    }
    return offsets
  }

  func testNudgesRestartAFetcherStoppedByAFullQueue() throws {
    let broker = try EmbeddedBroker(topics: [topic: 1])
    try produce(to: broker)

    // Without nudges: about one fetch (~25 records) per second.
    let alone = try makeConsumer(broker, extra: smallFetches)
    try alone.assign([TopicPartition(topic, 0): .beginning])
    let unnudged = try drain(alone, nudging: false, within: .seconds(3))
    try alone.close()
    XCTAssertLessThan(unnudged.count, records / 2, "librdkafka no longer pauses a full queue")

    // With nudges: every fetch follows the one before at once (about 100 fetches; measured
    // 2.3 s, against about a minute without).
    let nudged = try makeConsumer(broker, extra: smallFetches)
    try nudged.assign([TopicPartition(topic, 0): .beginning])
    let offsets = try drain(nudged, nudging: true, within: .seconds(20))
    try nudged.close()
    XCTAssertEqual(offsets, Array(0..<Int64(records)))
  }
}
