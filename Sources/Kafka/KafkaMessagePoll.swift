/// What one `KafkaConsumer.pollMessages` call returned: the records in place, and the
/// events, with the ordering guarantee of `KafkaPollResult` (a rebalance ends the poll).
public struct KafkaMessagePoll {
  public let messages: KafkaMessageBatch
  public let events: [KafkaConsumerEvent]
}
