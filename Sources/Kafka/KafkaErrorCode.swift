import CKafkaShim
import CRdKafka

/// One of librdkafka's error codes (`rd_kafka_resp_err_t`). A struct rather than an enum
/// because librdkafka and the Kafka protocol keep adding codes: every raw value is valid.
public struct KafkaErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
  public let rawValue: Int32
  public init(rawValue: Int32) { self.rawValue = rawValue }

  /// librdkafka's symbolic name, e.g. `NOT_LEADER_FOR_PARTITION` or `_TRANSPORT`.
  public var name: String { RdKafkaClient.errorName(self) }
  /// librdkafka's human readable text for the code.
  public var text: String { RdKafkaClient.errorText(self) }
  public var description: String { name }

  // Client-side conditions (negative in librdkafka).
  public static let unknown = KafkaErrorCode(rawValue: Int32(RD_KAFKA_RESP_ERR__FAIL.rawValue))
  public static let invalidArgument = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue))
  public static let timedOut = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue))
  public static let queueFull = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue))
  public static let transport = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR__TRANSPORT.rawValue))
  public static let allBrokersDown = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue))
  public static let messageTimedOut = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT.rawValue))
  public static let offsetOutOfRangeReset = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET.rawValue))
  public static let unknownPartition = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION.rawValue))
  public static let unknownTopic = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC.rawValue))
  public static let destroyed = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR__DESTROY.rawValue))

  // Broker (protocol) errors, the ones tests inject most.
  public static let offsetOutOfRange = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE.rawValue))
  public static let unknownTopicOrPartition = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART.rawValue))
  public static let leaderNotAvailable = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE.rawValue))
  public static let notLeaderForPartition = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION.rawValue))
  public static let requestTimedOut = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT.rawValue))
  public static let notEnoughReplicas = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS.rawValue))
  public static let coordinatorNotAvailable = KafkaErrorCode(
    rawValue: Int32(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE.rawValue))
}
