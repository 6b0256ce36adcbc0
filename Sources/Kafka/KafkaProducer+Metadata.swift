import Foundation

extension KafkaProducer {
  /// Waits at most `timeout` for a broker of the cluster to answer a metadata request, and
  /// throws when none did: a record sent to a cluster that never answers only fails once its
  /// delivery timeout has run out.
  public func checkReachable(timeout: Duration) throws {
    try client.checkReachable(timeout: timeout)
  }

  /// The partition ids of a topic, from a metadata request to the cluster.
  public func partitions(of topic: String, timeout: Duration = .seconds(10)) throws -> [Int32] {
    try client.partitions(of: topic, timeout: timeout)
  }
}

extension KafkaProducerConfiguration {
  /// Throws, with librdkafka's reason, when librdkafka does not take `value` for the
  /// property `name` (an unknown name, a value out of range): lets a caller name the one
  /// setting of many that is wrong before it builds a client.
  public static func check(setting name: String, value: String) throws {
    try RdKafkaClient.checkProperty(name, value)
  }
}
