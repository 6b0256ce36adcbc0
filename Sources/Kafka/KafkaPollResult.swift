/// What one `KafkaConsumer.poll` call returned.
///
/// Ordering guarantee: a poll stops right after a rebalance, so every record here was read
/// before every rebalance event here. Records of each partition are in offset order.
public struct KafkaPollResult: Sendable {
  public var records: [KafkaRecord]
  public var events: [KafkaConsumerEvent]

  public init(records: [KafkaRecord] = [], events: [KafkaConsumerEvent] = []) {
    self.records = records
    self.events = events
  }
}
