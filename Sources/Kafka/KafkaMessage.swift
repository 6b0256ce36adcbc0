import CRdKafka

/// One record of a `KafkaMessageBatch`, read in place: `key` and `value` point into
/// librdkafka's buffers and are valid only while the batch lives. `copied()` makes a
/// `KafkaRecord` that outlives it.
public struct KafkaMessage {
  public let topic: String
  public let partition: Int32
  public let offset: Int64
  /// `nil` for a record produced without a key (not the same as an empty key).
  public let key: UnsafeRawBufferPointer?
  /// `nil` for a null value (a Kafka tombstone), which is not the same as an empty value.
  public let value: UnsafeRawBufferPointer?
  /// Epoch milliseconds (create time or log-append time); `nil` when the record has none.
  public let timestampMilliseconds: Int64?
  let headerSource: HeaderSource

  /// Where the headers come from: read from the message only when asked for.
  enum HeaderSource {
    case message(UnsafeMutablePointer<rd_kafka_message_t>)
    case given([KafkaHeader])
  }

  init(
    topic: String, partition: Int32, offset: Int64, key: UnsafeRawBufferPointer?,
    value: UnsafeRawBufferPointer?, timestampMilliseconds: Int64?, headers: HeaderSource
  ) {
    self.topic = topic
    self.partition = partition
    self.offset = offset
    self.key = key
    self.value = value
    self.timestampMilliseconds = timestampMilliseconds
    self.headerSource = headers
  }

  /// A message over buffers the caller owns (valid while `body` runs), for code that holds
  /// a `KafkaRecord` and a path that reads `KafkaMessage`s.
  public static func reading<Result>(
    _ record: KafkaRecord, _ body: (KafkaMessage) throws -> Result
  ) rethrows -> Result {
    try withOptionalBytes(record.key) { key in
      try withOptionalBytes(record.value) { value in
        try body(
          KafkaMessage(
            topic: record.topic, partition: record.partition, offset: record.offset, key: key,
            value: value, timestampMilliseconds: record.timestampMilliseconds,
            headers: .given(record.headers)))
      }
    }
  }

  /// The record's headers, in order (read from librdkafka on each call).
  public var headers: [KafkaHeader] {
    switch headerSource {
    case .given(let headers): return headers
    case .message(let message): return RdKafkaClient.headers(of: message)
    }
  }

  /// A copy that outlives the batch.
  public func copied() -> KafkaRecord {
    KafkaRecord(
      topic: topic, partition: partition, offset: offset, key: key.map { Array($0) },
      value: value.map { Array($0) }, headers: headers,
      timestampMilliseconds: timestampMilliseconds)
  }

  private static func withOptionalBytes<Result>(
    _ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) throws -> Result
  ) rethrows -> Result {
    guard let bytes else { return try body(nil) }
    return try bytes.withUnsafeBytes { try body($0) }
  }
}
