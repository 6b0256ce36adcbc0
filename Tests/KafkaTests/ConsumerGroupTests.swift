import Kafka
import Synchronization
import XCTest

/// A service's own position store, as the ingestion service keeps in its databases: the last
/// offset processed per partition. Processing checks there is no gap and no repeat.
private final class PositionStore: Sendable {
  private let positions = Mutex<[TopicPartition: Int64]>([:])

  /// Where to start: after the last processed offset; unknown partitions from the group's
  /// committed offset (none here, so the beginning).
  func startOffsets(_ partitions: [TopicPartition]) -> [TopicPartition: KafkaOffset] {
    positions.withLock { positions in
      var starts: [TopicPartition: KafkaOffset] = [:]
      for partition in partitions {
        if let last = positions[partition] { starts[partition] = .exact(last + 1) }
      }
      return starts
    }
  }

  /// Takes records; returns a description of each gap or repeat found.
  func process(_ records: [KafkaRecord]) -> [String] {
    positions.withLock { positions in
      var problems: [String] = []
      for record in records {
        let expected = (positions[record.topicPartition] ?? -1) + 1
        if record.offset != expected {
          problems.append("\(record.topicPartition): got \(record.offset), expected \(expected)")
        }
        positions[record.topicPartition] = record.offset
      }
      return problems
    }
  }

  var processedCount: Int64 {
    positions.withLock { $0.values.reduce(0) { $0 + $1 + 1 } }
  }
}

final class ConsumerGroupTests: XCTestCase {
  func testMembersSplitPartitionsAndTheSurvivorTakesOverWithoutGaps() throws {
    let topic = "grouped"
    let broker = try EmbeddedBroker(topics: [topic: 4])
    let producer = try makeProducer(broker)
    func produce(_ count: Int) throws {
      for index in 0..<count {
        try producer.send(
          topic: topic, key: nil, value: "r\(index)".bytes, partition: Int32(index % 4))
      }
      try producer.flush()
    }
    try produce(400)

    let store = PositionStore()
    // The mock rebalances within session timeout - 1 s after a member leaves; 3 s keeps
    // this test short (the service's default is 10 s).
    let groupSettings = ["session.timeout.ms": "3000"]
    let first = try makeConsumer(broker, group: "ingest", extra: groupSettings)
    let second = try makeConsumer(broker, group: "ingest", extra: groupSettings)
    try first.subscribe(topics: [topic], startOffsets: store.startOffsets)
    try second.subscribe(topics: [topic], startOffsets: store.startOffsets)

    var problems: [String] = []
    var owned: [ObjectIdentifier: Set<TopicPartition>] = [:]
    func pollBoth(until done: () -> Bool, within limit: Duration) throws {
      let deadline = ContinuousClock.now + limit
      while !done() && ContinuousClock.now < deadline {
        for consumer in [first, second] {
          let result = try consumer.poll(timeout: .milliseconds(20))
          problems += store.process(result.records)
          for event in result.events {
            switch event {
            case .assigned(let starts):
              owned[ObjectIdentifier(consumer), default: []].formUnion(starts.keys)
            case .revoked(let partitions):
              owned[ObjectIdentifier(consumer), default: []].subtract(partitions)
            default: break
            }
          }
        }
      }
    }
    // Both members hold two partitions each and have read everything.
    try pollBoth(
      until: {
        owned[ObjectIdentifier(first)]?.count == 2 && owned[ObjectIdentifier(second)]?.count == 2
          && store.processedCount == 400
      }, within: .seconds(30))
    XCTAssertEqual(owned[ObjectIdentifier(first)]?.count, 2)
    XCTAssertEqual(owned[ObjectIdentifier(second)]?.count, 2)
    XCTAssertTrue(
      owned[ObjectIdentifier(first), default: []].isDisjoint(
        with: owned[ObjectIdentifier(second), default: []]))
    XCTAssertEqual(store.processedCount, 400)

    // The first member leaves mid-stream, having processed only part of its new records;
    // the second is told and takes its partitions, starting each where the store says.
    try produce(400)
    let firstPartitions = owned[ObjectIdentifier(first), default: []]
    var firstTook = 0
    let firstDeadline = ContinuousClock.now + .seconds(10)
    while firstTook < 40 && ContinuousClock.now < firstDeadline {
      let records = try first.poll(maxRecords: 40 - firstTook, timeout: .milliseconds(100)).records
      problems += store.process(records)
      firstTook += records.count
    }
    try first.close()
    var survivorEvents: [KafkaConsumerEvent] = []
    let deadline = ContinuousClock.now + .seconds(30)
    while store.processedCount < 800 && ContinuousClock.now < deadline {
      let result = try second.poll(timeout: .milliseconds(50))
      problems += store.process(result.records)
      survivorEvents += result.events.filter {
        if case .error = $0 { return false } else { return true }
      }
    }
    XCTAssertEqual(problems, [], "gaps or repeats")
    XCTAssertEqual(store.processedCount, 800)
    XCTAssertTrue(survivorEvents.contains { if case .revoked = $0 { true } else { false } })
    let reassigned = survivorEvents.compactMap { event -> [TopicPartition: KafkaOffset]? in
      if case .assigned(let starts) = event { starts } else { nil }
    }.last
    XCTAssertEqual(
      reassigned.map { Set($0.keys) }, Set((0..<4).map { TopicPartition(topic, Int32($0)) }))
    // The taken-over partitions started right after what the first member had processed.
    for partition in firstPartitions {
      guard case .exact(let start) = reassigned?[partition] else {
        return XCTFail(
          "\(partition) should start at an exact offset, got \(String(describing: reassigned?[partition]))"
        )
      }
      XCTAssertGreaterThan(start, 0)
    }
    XCTAssertEqual(try second.assignment().count, 4)

    // Offsets can be committed to the group and read back.
    let partition0 = TopicPartition(topic, 0)
    try second.commit([partition0: 200])
    XCTAssertEqual(try second.committedOffsets(for: [partition0]), [partition0: 200])
    try second.commitAsync([partition0: 150])
    let committed = try second.pollFor(.milliseconds(500)).events.contains {
      if case .committed(let offsets, nil) = $0 { offsets[partition0] == 150 } else { false }
    }
    XCTAssertTrue(committed)
    try second.close()
  }
}
