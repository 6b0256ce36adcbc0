/// A failure reported by librdkafka, carrying its error code and text so that callers can
/// both branch on the code and show the reason librdkafka gave.
public struct KafkaError: Error, Sendable, Hashable, CustomStringConvertible {
  /// librdkafka's `rd_kafka_resp_err_t`: negative values are client-side conditions,
  /// positive ones are Kafka protocol errors returned by a broker.
  public let code: KafkaErrorCode
  /// What went wrong, in librdkafka's words or ours (it names the operation).
  public let message: String
  /// Whether librdkafka considers the client unusable after this error
  /// (for example an idempotent producer's sequence gap).
  public let isFatal: Bool

  public init(code: KafkaErrorCode, message: String, isFatal: Bool = false) {
    self.code = code
    self.message = message
    self.isFatal = isFatal
  }

  public var description: String {
    "\(isFatal ? "fatal " : "")Kafka error \(code.name) (\(code.rawValue)): \(message)"
  }
}
