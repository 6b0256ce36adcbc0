import Kafka
import XCTest

/// The service, not Kafka, decides where each assigned partition starts.
final class StartOffsetTests: XCTestCase {
  private struct StoreUnavailable: Error {}

  func testAssignedPartitionsStartWhereTheProviderSays() throws {
    for strategy in ["range", "cooperative-sticky"] {
      let topic = "starts-\(strategy)"
      let broker = try EmbeddedBroker(topics: [topic: 2])
      let producer = try makeProducer(broker)
      for index in 0..<20 {
        try producer.send(
          topic: topic, key: nil, value: "v\(index)".bytes, partition: Int32(index % 2))
      }
      try producer.flush()
      let consumer = try makeConsumer(
        broker, group: "starts", extra: ["partition.assignment.strategy": strategy])
      let asked = ResultBox<[TopicPartition]>()
      try consumer.subscribe(topics: [topic]) { partitions in
        asked.set(.success(partitions))
        // Partition 0 from the service's own position; partition 1 left to the group.
        return [TopicPartition(topic, 0): .exact(7)]
      }
      let (records, events) = try consumer.pollRecords(count: 13)
      XCTAssertEqual(
        try asked.get().sorted(), [TopicPartition(topic, 0), TopicPartition(topic, 1)], strategy)
      XCTAssertEqual(
        records.filter { $0.partition == 0 }.map(\.offset), [7, 8, 9], strategy)
      XCTAssertEqual(
        records.filter { $0.partition == 1 }.map(\.offset), Array(0..<10), strategy)
      XCTAssertTrue(
        events.contains(
          .assigned([TopicPartition(topic, 0): .exact(7), TopicPartition(topic, 1): .committed])),
        "\(strategy): \(events)")
      try consumer.close()
    }
  }

  func testAFailingProviderStopsThePollInsteadOfReadingFromTheWrongPlace() throws {
    let topic = "unavailable"
    let broker = try EmbeddedBroker(topics: [topic: 1])
    let producer = try makeProducer(broker)
    try producer.send(topic: topic, key: nil, value: "v".bytes, partition: 0)
    try producer.flush()
    let consumer = try makeConsumer(broker, group: "failing")
    try consumer.subscribe(topics: [topic]) { _ in throw StoreUnavailable() }
    var thrown: (any Error)?
    var records: [KafkaRecord] = []
    let deadline = ContinuousClock.now + .seconds(15)
    while thrown == nil && ContinuousClock.now < deadline {
      do {
        records += try consumer.poll(timeout: .milliseconds(100)).records
      } catch {
        thrown = error
      }
    }
    XCTAssertTrue(thrown is StoreUnavailable, "\(String(describing: thrown))")
    XCTAssertEqual(records, [])
    XCTAssertEqual(try consumer.assignment(), [])
    XCTAssertEqual(try consumer.pollFor(.milliseconds(300)).records, [])
    try consumer.close()
  }
}
