import Kafka
import XCTest

final class SeekTests: XCTestCase {
  func testSeekToOffsetBeginningAndEnd() throws {
    let topic = "seekable"
    let partition = TopicPartition(topic, 0)
    let broker = try EmbeddedBroker(topics: [topic: 1])
    let producer = try makeProducer(broker)
    for index in 0..<100 {
      try producer.send(topic: topic, key: nil, value: "v\(index)".bytes, partition: 0)
    }
    try producer.flush()
    let consumer = try makeConsumer(broker)
    try consumer.assign([partition: .exact(10)])
    XCTAssertEqual(try consumer.pollRecords(count: 90).records.map(\.offset), Array(10..<100))

    try consumer.seek(partition, to: .exact(40))
    let fromForty = try consumer.pollRecords(count: 60).records
    XCTAssertEqual(fromForty.map(\.offset), Array(40..<100))
    XCTAssertEqual(fromForty.first?.value?.text, "v40")

    try consumer.seek(partition, to: .beginning)
    XCTAssertEqual(try consumer.pollRecords(count: 100).records.map(\.offset), Array(0..<100))

    try consumer.seek(partition, to: .end)
    XCTAssertEqual(try consumer.pollFor(.milliseconds(300)).records, [])
    try producer.send(topic: topic, key: nil, value: "new".bytes, partition: 0)
    try producer.flush()
    XCTAssertEqual(try consumer.pollRecords(count: 1).records.map(\.offset), [100])
  }

  /// The mock keeps about 5 MB per partition: after ~8 MB the log start has moved. Kafka
  /// documents that "beginning" is the log start, and that an offset below it is out of
  /// range, resolved by auto.offset.reset (earliest: the log start; latest: the end).
  func testSeekWhenTheLogStartHasMoved() throws {
    let topic = "truncated"
    let partition = TopicPartition(topic, 0)
    let broker = try EmbeddedBroker(topics: [topic: 1])
    let producer = try makeProducer(broker)
    let bigValue = [UInt8](repeating: 0x7a, count: 100_000)
    for index in 0..<80 {
      // Small batches, so that the mock drops old records batch by batch.
      try producer.send(topic: topic, key: "\(index)".bytes, value: bigValue, partition: 0)
      if index % 5 == 4 { try producer.flush() }
    }
    try producer.flush()

    let earliest = try makeConsumer(broker, reset: .beginning)
    let watermarks = try earliest.queryWatermarks(partition)
    XCTAssertEqual(watermarks.high, 80)
    XCTAssertGreaterThan(watermarks.low, 0, "the mock should have dropped the oldest records")
    let logStart = watermarks.low

    try earliest.assign([partition: .beginning])
    let fromBeginning = try earliest.pollRecords(count: Int(80 - logStart)).records
    XCTAssertEqual(fromBeginning.map(\.offset), Array(logStart..<80))
    XCTAssertEqual(fromBeginning.first?.key?.text, "\(logStart)")
    // Fetch responses carry the log start too: the cached range matches the queried one.
    XCTAssertEqual(earliest.cachedWatermarks(partition), watermarks)

    // Offset 0 no longer exists: out of range, reset to earliest = the log start.
    try earliest.seek(partition, to: .exact(0))
    let afterReset = try earliest.pollRecords(count: Int(80 - logStart))
    XCTAssertEqual(afterReset.records.first?.offset, logStart)
    XCTAssertEqual(afterReset.records.count, Int(80 - logStart))

    // With auto.offset.reset=latest the same seek lands at the end: only new records.
    let latest = try makeConsumer(broker, reset: .end)
    try latest.assign([partition: .exact(0)])
    XCTAssertEqual(try latest.pollFor(.milliseconds(500)).records, [])
    try producer.send(topic: topic, key: "new".bytes, value: [1], partition: 0)
    try producer.flush()
    XCTAssertEqual(try latest.pollRecords(count: 1).records.map(\.offset), [80])
  }

  func testSeekOnAnUnassignedPartitionFails() throws {
    let broker = try EmbeddedBroker(topics: ["elsewhere": 1])
    let consumer = try makeConsumer(broker)
    XCTAssertThrowsError(try consumer.seek(TopicPartition("elsewhere", 0), to: .exact(3))) {
      XCTAssertNotNil($0 as? KafkaError)
    }
  }
}
