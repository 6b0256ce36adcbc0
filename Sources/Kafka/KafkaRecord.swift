/// A record read from Kafka, copied out of librdkafka's buffers so that it outlives the poll.
public struct KafkaRecord: Sendable, Hashable {
  public let topic: String
  public let partition: Int32
  public let offset: Int64
  /// `nil` for a record produced without a key (not the same as an empty key).
  public let key: [UInt8]?
  /// `nil` for a null value (a Kafka tombstone), which is not the same as an empty value.
  public let value: [UInt8]?
  public let headers: [KafkaHeader]
  /// Epoch milliseconds (create time or log-append time, as the topic says); `nil` when
  /// the record carries none.
  public let timestampMilliseconds: Int64?

  public init(
    topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?,
    headers: [KafkaHeader] = [], timestampMilliseconds: Int64? = nil
  ) {
    self.topic = topic
    self.partition = partition
    self.offset = offset
    self.key = key
    self.value = value
    self.headers = headers
    self.timestampMilliseconds = timestampMilliseconds
  }

  public var topicPartition: TopicPartition { TopicPartition(topic, partition) }

  /// The value of the first header with this name (Kafka allows repeats).
  public func header(_ name: String) -> [UInt8]? {
    headers.first { $0.name == name }?.value
  }
}
