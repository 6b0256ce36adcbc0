/// A Kafka record header as the decoder sees it: plain values, so that this module does not
/// depend on the Kafka client's types. A header may have no value (Kafka allows null).
public struct RecordHeader: Sendable, Hashable {
  public let key: String
  public let value: [UInt8]?

  public init(key: String, value: [UInt8]?) {
    self.key = key
    self.value = value
  }

  public init(key: String, string: String) {
    self.key = key
    self.value = Array(string.utf8)
  }
}
