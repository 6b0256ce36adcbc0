import CKafkaShim
import CRdKafka

/// The records of one poll, left in librdkafka's buffers until the batch is released.
///
/// `KafkaConsumer.poll` copies each record's key and value into arrays so that records
/// outlive the poll; a caller that is done with every record before the next poll (the
/// ingestion loop decodes each into its batch's columns) reads them here in place and
/// saves two allocations and two copies per record. The messages are destroyed when the
/// batch is, so a `KafkaMessage` must not be kept past it.
public final class KafkaMessageBatch {
  private let messages: [UnsafeMutablePointer<rd_kafka_message_t>]
  /// Per message, its topic's name (shared strings: one per topic handle).
  private let topics: [String]

  init(messages: [UnsafeMutablePointer<rd_kafka_message_t>], topics: [String]) {
    self.messages = messages
    self.topics = topics
  }

  deinit {
    for message in messages { rd_kafka_message_destroy(message) }
  }

  public var count: Int { messages.count }
  public var isEmpty: Bool { messages.isEmpty }

  /// Message `index`; its key and value stay valid while this batch lives.
  public subscript(index: Int) -> KafkaMessage {
    let message = messages[index]
    let fields = message.pointee
    var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
    let timestamp = rd_kafka_message_timestamp(message, &timestampType)
    return KafkaMessage(
      topic: topics[index], partition: fields.partition, offset: fields.offset,
      key: fields.key.map { UnsafeRawBufferPointer(start: $0, count: fields.key_len) },
      value: fields.payload.map { UnsafeRawBufferPointer(start: $0, count: fields.len) },
      timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        ? nil : timestamp,
      headers: .message(message))
  }
}
