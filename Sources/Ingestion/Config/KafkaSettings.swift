/// The `kafka:` section.
public struct KafkaSettings: Sendable, Hashable {
  /// nil: the embedded broker (`idemstream broker`).
  public var bootstrapServers: String?
  public var topics: [String]
  public var groupID: String
  /// Static membership id; empty means the host name.
  public var instanceID: String
  /// Passed to librdkafka as is.
  public var settings: [String: String]
  /// `topic_groups`: topics whose records all belong to one feature group, so that
  /// `feature_group` may be left out of their records.
  public var topicGroups: [String: String]
  /// `connect_timeout`: how long `run` and `replay` wait at start for a broker to answer
  /// before they give up; an outage after that is waited out.
  public var connectTimeoutMillis: Int64

  public static let defaultConnectTimeoutMillis: Int64 = 30_000

  public init(
    bootstrapServers: String? = nil, topics: [String], groupID: String = "idemstream",
    instanceID: String = "",
    settings: [String: String] = [:], topicGroups: [String: String] = [:],
    connectTimeoutMillis: Int64 = KafkaSettings.defaultConnectTimeoutMillis
  ) {
    self.bootstrapServers = bootstrapServers
    self.topics = topics
    self.groupID = groupID
    self.instanceID = instanceID
    self.settings = settings
    self.topicGroups = topicGroups
    self.connectTimeoutMillis = connectTimeoutMillis
  }
}
