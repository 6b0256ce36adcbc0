/// How a `KafkaProducer` connects and behaves. Anything else librdkafka understands goes in
/// `settings` (see librdkafka's CONFIGURATION.md), which wins over the named properties.
public struct KafkaProducerConfiguration: Sendable {
  /// `bootstrap.servers`: comma-separated `host:port` list.
  public var bootstrapServers: String
  /// `enable.idempotence`: retries never duplicate or reorder records within a partition,
  /// which the exactly-once pipeline downstream relies on.
  public var idempotent: Bool = true
  /// `linger.ms`: how long records wait to be batched. A few milliseconds trade a little
  /// latency for far fewer requests.
  public var linger: Duration = .milliseconds(5)
  /// `queue.buffering.max.messages`: records waiting for delivery before `send` pushes back.
  public var maxQueuedRecords: Int = 100_000
  /// `message.timeout.ms`: how long librdkafka keeps retrying a record before reporting it
  /// failed. Long, so that a broker outage does not lose records.
  public var deliveryTimeout: Duration = .seconds(300)
  /// Called on librdkafka's delivery thread for every record sent without waiting
  /// (`send`); `sendAndWait` reports through its return value instead.
  public var deliveryReportHandler: (@Sendable (KafkaDeliveryReport) -> Void)?
  /// Raw librdkafka properties, applied last.
  public var settings: [String: String] = [:]

  public init(bootstrapServers: String) {
    self.bootstrapServers = bootstrapServers
  }

  func librdkafkaProperties() -> [String: String] {
    var properties: [String: String] = [
      "bootstrap.servers": bootstrapServers,
      "enable.idempotence": idempotent ? "true" : "false",
      "linger.ms": String(linger.wholeMilliseconds),
      "queue.buffering.max.messages": String(maxQueuedRecords),
      "message.timeout.ms": String(deliveryTimeout.wholeMilliseconds),
    ]
    properties.merge(settings) { _, raw in raw }
    return properties
  }
}
