import Foundation
import Kafka
import XCTest

final class RoundTripTests: XCTestCase {
  func testRecordsComeBackIntactInPartitionOrder() throws {
    let broker = try EmbeddedBroker(topics: ["roundtrip": 3])
    let producer = try makeProducer(broker)
    let sent = try sendEdgeCases(producer, topic: "roundtrip", partitions: 3, perPartition: 200)
    XCTAssertEqual(try producer.flush(), 600)

    let consumer = try makeConsumer(broker)
    let partitions = (Int32(0)..<3).map { TopicPartition("roundtrip", $0) }
    try consumer.assign(Dictionary(uniqueKeysWithValues: partitions.map { ($0, .beginning) }))
    XCTAssertEqual(try consumer.assignment(), partitions)
    let (records, events) = try consumer.pollRecords(count: 600)
    XCTAssertEqual(records.count, 600, "events: \(events)")
    assertContiguous(
      records, expected: Dictionary(uniqueKeysWithValues: partitions.map { ($0, 0..<200) }))
    for (partition, expected) in sent {
      let received = records.filter { $0.topicPartition == partition }
      for (got, want) in zip(received, expected) {
        XCTAssertEqual(got.key, want.key)
        XCTAssertEqual(got.value, want.value)
        XCTAssertEqual(got.headers, want.headers)
        XCTAssertNotNil(got.timestampMilliseconds)
      }
    }
    let second = records.first { $0.partition == 0 && $0.offset == 1 }
    XCTAssertEqual(second?.header("idempotency-key")?.text, "id-0-1")

    let watermarks = try consumer.queryWatermarks(partitions[1])
    XCTAssertEqual(watermarks, PartitionWatermarks(low: 0, high: 200))
    XCTAssertEqual(consumer.cachedWatermarks(partitions[1])?.high, 200)

    // A record sent and awaited reports where it went; the consumer then sees it there.
    let report = try awaitResult {
      try await producer.sendAndWait(
        topic: "roundtrip", key: "late".bytes, value: "late".bytes, partition: 1)
    }
    XCTAssertEqual(report.offset, 200)
    XCTAssertEqual(report.partition, 1)
    let late = try consumer.pollRecords(count: 1).records
    XCTAssertEqual(late.map(\.offset), [200])
    XCTAssertEqual(late.first?.value?.text, "late")
    try consumer.close()
    XCTAssertThrowsError(try consumer.poll()) { error in
      XCTAssertEqual((error as? KafkaError)?.code, .destroyed)
    }
  }

  /// `pollMessages` reads the records in librdkafka's buffers: the same keys, values and
  /// headers as `poll`'s copies, null kept apart from empty.
  func testMessagesReadInPlaceMatchWhatWasSent() throws {
    let broker = try EmbeddedBroker(topics: ["inplace": 2])
    let producer = try makeProducer(broker)
    let sent = try sendEdgeCases(producer, topic: "inplace", partitions: 2, perPartition: 150)
    XCTAssertEqual(try producer.flush(), 300)

    let consumer = try makeConsumer(broker)
    let partitions = (Int32(0)..<2).map { TopicPartition("inplace", $0) }
    try consumer.assign(Dictionary(uniqueKeysWithValues: partitions.map { ($0, .beginning) }))
    var received: [KafkaRecord] = []
    var nullValues = 0
    var emptyValues = 0
    let deadline = Date().addingTimeInterval(30)
    while received.count < 300 && Date() < deadline {
      let batch = try consumer.pollMessages(maxRecords: 64, timeout: .milliseconds(200)).messages
      for index in 0..<batch.count {
        let message = batch[index]
        if message.value == nil { nullValues += 1 }
        if message.value?.count == 0 { emptyValues += 1 }
        XCTAssertNotNil(message.timestampMilliseconds)
        received.append(message.copied())
      }
    }
    XCTAssertEqual(received.count, 300)
    XCTAssertEqual(nullValues, 2)
    XCTAssertEqual(emptyValues, 2)
    for partition in partitions {
      let got = received.filter { $0.topicPartition == partition }
      XCTAssertEqual(got.map(\.offset), Array(0..<150))
      for (record, want) in zip(got, sent[partition] ?? []) {
        XCTAssertEqual(record.key, want.key)
        XCTAssertEqual(record.value, want.value)
        XCTAssertEqual(record.headers, want.headers)
      }
    }
    try consumer.close()
  }

  /// Sends `perPartition` records to each partition with the edge cases Kafka tells apart
  /// (null key, null value, empty value, no headers, a null header value) and returns what
  /// each partition should hold, in order.
  private func sendEdgeCases(
    _ producer: KafkaProducer, topic: String, partitions: Int32, perPartition: Int
  ) throws -> [TopicPartition: [KafkaRecord]] {
    var sent: [TopicPartition: [KafkaRecord]] = [:]
    for partition in Int32(0)..<partitions {
      for index in 0..<perPartition {
        let key: [UInt8]? = index == 2 ? nil : "user-\(partition)-\(index)".bytes
        let value: [UInt8]? =
          switch index {
          case 0: nil
          case 1: []
          default: "{\"n\":\(index),\"p\":\(partition)}".bytes
          }
        let headers =
          index % 3 == 0
          ? []
          : [
            KafkaHeader(name: "idempotency-key", value: "id-\(partition)-\(index)"),
            KafkaHeader(name: "operation", value: index % 2 == 0 ? "upsert".bytes : nil),
          ]
        try producer.send(
          topic: topic, key: key, value: value, headers: headers, partition: partition)
        sent[TopicPartition(topic, partition), default: []].append(
          KafkaRecord(
            topic: topic, partition: partition, offset: Int64(index), key: key, value: value,
            headers: headers))
      }
    }
    return sent
  }

  func testProducerSendsAMillionSmallRecordsThroughBackPressure() throws {
    let broker = try EmbeddedBroker(topics: ["bulk": 8])
    var configuration = KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServers)
    configuration.settings = testClientSettings
    // A small queue forces the queue-full path many times.
    configuration.maxQueuedRecords = 10_000
    let producer = try KafkaProducer(configuration: configuration)
    let value = [UInt8](repeating: 0x61, count: 16)
    let total = 200_000
    for index in 0..<total {
      try producer.send(topic: "bulk", key: "k\(index % 1000)".bytes, value: value)
    }
    XCTAssertEqual(try producer.flush(), total)
    let consumer = try makeConsumer(broker)
    var held: Int64 = 0
    for partition in Int32(0)..<8 {
      held += try consumer.queryWatermarks(TopicPartition("bulk", partition)).count
    }
    XCTAssertEqual(held, Int64(total))
  }

  func testBadConfigurationIsATypedError() {
    var configuration = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:1")
    configuration.settings = ["no.such.setting": "1"]
    XCTAssertThrowsError(try KafkaConsumer(configuration: configuration)) { error in
      let kafkaError = error as? KafkaError
      XCTAssertEqual(kafkaError?.code, .invalidArgument)
      XCTAssertTrue(kafkaError?.message.contains("no.such.setting") ?? false)
    }
  }
}

/// Runs async code from a synchronous XCTest and returns its result.
func awaitResult<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
  let box = ResultBox<T>()
  let done = DispatchSemaphore(value: 0)
  Task {
    do { box.set(.success(try await body())) } catch { box.set(.failure(error)) }
    done.signal()
  }
  done.wait()
  return try box.get()
}

final class ResultBox<T: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var result: Result<T, any Error>?
  func set(_ value: Result<T, any Error>) { lock.withLock { result = value } }
  func get() throws -> T { try lock.withLock { result! }.get() }
}
