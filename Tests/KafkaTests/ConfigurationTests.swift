import XCTest

@testable import Kafka

/// The defaults the ingestion service relies on, and that raw settings win over them.
final class ConfigurationTests: XCTestCase {
  func testConsumerDefaults() throws {
    var configuration = KafkaConsumerConfiguration(bootstrapServers: "b:9092", groupID: "g")
    configuration.groupInstanceID = "host-1"
    let properties = try configuration.librdkafkaProperties()
    XCTAssertEqual(properties["session.timeout.ms"], "10000")
    XCTAssertEqual(properties["group.instance.id"], "host-1")
    XCTAssertEqual(properties["fetch.wait.max.ms"], "10")
    XCTAssertEqual(properties["auto.offset.reset"], "earliest")
    XCTAssertEqual(properties["enable.auto.commit"], "false")
    XCTAssertEqual(properties["group.id"], "g")

    configuration.groupInstanceID = ""
    configuration.settings = ["session.timeout.ms": "45000", "fetch.min.bytes": "1"]
    let overridden = try configuration.librdkafkaProperties()
    XCTAssertNil(overridden["group.instance.id"], "empty means dynamic membership")
    XCTAssertEqual(overridden["session.timeout.ms"], "45000")
    XCTAssertEqual(overridden["fetch.min.bytes"], "1")

    configuration.offsetResetPolicy = .exact(3)
    XCTAssertThrowsError(try configuration.librdkafkaProperties())
  }

  func testProducerDefaults() {
    let properties = KafkaProducerConfiguration(bootstrapServers: "b:9092").librdkafkaProperties()
    XCTAssertEqual(properties["enable.idempotence"], "true")
    XCTAssertEqual(properties["message.timeout.ms"], "300000")
  }

  func testErrorCodesCarryLibrdkafkaNames() {
    XCTAssertEqual(KafkaErrorCode.notLeaderForPartition.name, "NOT_LEADER_FOR_PARTITION")
    XCTAssertEqual(KafkaErrorCode.queueFull.name, "_QUEUE_FULL")
    let error = KafkaError(code: .timedOut, message: "waiting")
    XCTAssertTrue(error.description.contains("_TIMED_OUT"))
  }
}
