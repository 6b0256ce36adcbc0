/// One Kafka record header. Kafka allows repeated names and a null value, so headers are
/// an ordered list of these rather than a dictionary.
public struct KafkaHeader: Sendable, Hashable {
  public let name: String
  public let value: [UInt8]?

  public init(name: String, value: [UInt8]?) {
    self.name = name
    self.value = value
  }

  public init(name: String, value: String) {
    self.init(name: name, value: Array(value.utf8))
  }
}
