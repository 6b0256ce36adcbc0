import Kafka
import XCTest

final class FaultTests: XCTestCase {
  /// The broker is gone for 3 s while records keep being produced: once it is back,
  /// everything produced arrives exactly once and the consumer carries on unaided.
  func testBrokerOutageLosesNothingAndConsumerResumes() throws {
    let topic = "outage"
    let broker = try EmbeddedBroker(topics: [topic: 2])
    let producer = try makeProducer(broker)
    let consumer = try makeConsumer(broker)
    let partitions = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
    try consumer.assign([partitions[0]: .beginning, partitions[1]: .beginning])

    for index in 0..<1000 {
      try producer.send(topic: topic, key: "k\(index)".bytes, value: "before-\(index)".bytes)
    }
    XCTAssertEqual(try producer.flush(), 1000)
    var records = try consumer.pollRecords(count: 1000).records
    XCTAssertEqual(records.count, 1000)

    try broker.stopBroker()
    let outageEnds = ContinuousClock.now + .seconds(3)
    var sentDuringOutage = 0
    var readDuringOutage = 0
    var events: [KafkaConsumerEvent] = []
    while ContinuousClock.now < outageEnds {
      for _ in 0..<100 {
        try producer.send(
          topic: topic, key: "k\(sentDuringOutage)".bytes, value: "during-\(sentDuringOutage)".bytes
        )
        sentDuringOutage += 1
      }
      let result = try consumer.poll(timeout: .milliseconds(50))
      readDuringOutage += result.records.count
      events += result.events
    }
    XCTAssertEqual(readDuringOutage, 0, "nothing can be read from a stopped broker")
    XCTAssertGreaterThan(producer.outstandingCount, 0, "records wait in the producer")
    try broker.startBroker()

    XCTAssertEqual(try producer.flush(timeout: .seconds(30)), sentDuringOutage)
    let after = try consumer.pollRecords(count: sentDuringOutage, within: .seconds(30))
    records += after.records
    events += after.events
    // Exactly once and in order: each partition holds offsets 0..<n, no gap, no repeat.
    let total = 1000 + sentDuringOutage
    XCTAssertEqual(records.count, total)
    var expected: [TopicPartition: Range<Int64>] = [:]
    for partition in partitions {
      let high = try consumer.queryWatermarks(partition).high
      expected[partition] = 0..<high
    }
    XCTAssertEqual(expected.values.map(\.count).reduce(0, +), total)
    assertContiguous(records, expected: expected)
    XCTAssertEqual(
      Set(records.compactMap { $0.value?.text }),
      Set((0..<1000).map { "before-\($0)" } + (0..<sentDuringOutage).map { "during-\($0)" }))
    // The outage was noticed (and reported), not silently skipped over.
    XCTAssertTrue(events.contains { if case .error = $0 { true } else { false } }, "\(events)")
  }

  /// Fetch requests fail three times; the consumer retries past them and reads everything.
  func testInjectedFetchErrorsAreRetried() throws {
    let topic = "flaky-fetch"
    let broker = try EmbeddedBroker(topics: [topic: 1])
    let producer = try makeProducer(broker)
    for index in 0..<100 {
      try producer.send(topic: topic, key: nil, value: "v\(index)".bytes, partition: 0)
    }
    XCTAssertEqual(try producer.flush(), 100)

    try broker.injectErrors(
      [.notLeaderForPartition, .requestTimedOut, .notLeaderForPartition], into: .fetch)
    XCTAssertEqual(try broker.pendingInjectedErrors(for: .fetch), 3)
    let consumer = try makeConsumer(broker)
    try consumer.assign([TopicPartition(topic, 0): .beginning])
    let records = try consumer.pollRecords(count: 100).records
    XCTAssertEqual(records.map(\.offset), Array(0..<100))
    XCTAssertEqual(records.last?.value?.text, "v99")
    XCTAssertEqual(try broker.pendingInjectedErrors(for: .fetch), 0, "every error was hit")
  }

  /// Produce requests answered slowly and with a retriable error still deliver once.
  func testSlowAndFailingProduceRequestsDeliverExactlyOnce() throws {
    let topic = "flaky-produce"
    let broker = try EmbeddedBroker(topics: [topic: 1])
    try broker.setLatency(.milliseconds(200))
    try broker.injectErrors([.notEnoughReplicas, .notEnoughReplicas], into: .produce)
    let producer = try makeProducer(broker)
    for index in 0..<50 {
      try producer.send(topic: topic, key: nil, value: "v\(index)".bytes, partition: 0)
    }
    XCTAssertEqual(try producer.flush(timeout: .seconds(30)), 50)
    XCTAssertEqual(try broker.pendingInjectedErrors(for: .produce), 0)
    try broker.setLatency(.zero)
    let consumer = try makeConsumer(broker)
    try consumer.assign([TopicPartition(topic, 0): .beginning])
    let records = try consumer.pollRecords(count: 50).records
    XCTAssertEqual(records.compactMap { $0.value?.text }, (0..<50).map { "v\($0)" })
    XCTAssertEqual(try consumer.queryWatermarks(TopicPartition(topic, 0)).high, 50)
  }

  /// Records that cannot be delivered in time come back as typed errors, from `flush` and
  /// from `sendAndWait`, with librdkafka's code.
  func testUndeliverableRecordsAreReportedAsTypedErrors() throws {
    let broker = try EmbeddedBroker(topics: ["unreachable": 1])
    try broker.stopBroker()
    var configuration = KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServers)
    configuration.settings = testClientSettings
    configuration.deliveryTimeout = .seconds(1)
    let producer = try KafkaProducer(configuration: configuration)
    for index in 0..<10 {
      try producer.send(topic: "unreachable", key: nil, value: "v\(index)".bytes, partition: 0)
    }
    XCTAssertThrowsError(try producer.flush(timeout: .seconds(10))) { error in
      XCTAssertEqual((error as? KafkaError)?.code, .messageTimedOut, "\(error)")
      XCTAssertTrue("\(error)".contains("10 record(s) not delivered"), "\(error)")
    }
    XCTAssertThrowsError(
      try awaitResult {
        try await producer.sendAndWait(topic: "unreachable", key: nil, value: [1], partition: 0)
      }
    ) { error in
      XCTAssertEqual((error as? KafkaError)?.code, .messageTimedOut, "\(error)")
    }
    XCTAssertEqual(try producer.flush(), 0, "a flush reports only what happened since the last")
    try broker.startBroker()
  }

  func testUnknownBrokerIsATypedError() throws {
    let broker = try EmbeddedBroker()
    XCTAssertThrowsError(try broker.stopBroker(9)) { error in
      XCTAssertNotNil(error as? KafkaError)
    }
  }
}
