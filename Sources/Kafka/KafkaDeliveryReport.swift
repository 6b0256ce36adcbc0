/// The broker's answer for one produced record: where it was written, or why it was not.
public struct KafkaDeliveryReport: Sendable, Hashable {
  public let topic: String
  public let partition: Int32
  /// The record's offset; `nil` when delivery failed.
  public let offset: Int64?
  public let error: KafkaError?

  public init(topic: String, partition: Int32, offset: Int64?, error: KafkaError?) {
    self.topic = topic
    self.partition = partition
    self.offset = offset
    self.error = error
  }
}
