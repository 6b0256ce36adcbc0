/// How a `KafkaConsumer` connects and behaves. The named properties are the settings a
/// feature-ingestion service tunes; anything else librdkafka understands goes in `settings`
/// (see librdkafka's CONFIGURATION.md), which wins over the named properties.
public struct KafkaConsumerConfiguration: Sendable {
  /// `bootstrap.servers`: comma-separated `host:port` list.
  public var bootstrapServers: String
  /// `group.id`. Required for `subscribe`. Without one, a consumer that only `assign`s
  /// runs under the group `idemstream-standalone` (librdkafka needs some group to assign
  /// partitions; it is joined only by `subscribe` and used only by commits).
  public var groupID: String?
  /// `group.instance.id`: static membership, so that a restarted instance gets its
  /// partitions back without a rebalance on a real cluster. `nil` or empty: dynamic.
  public var groupInstanceID: String?
  /// `session.timeout.ms`: how long the group waits for a silent member before
  /// reassigning its partitions. 10 s keeps failover quick.
  public var sessionTimeout: Duration = .seconds(10)
  /// `fetch.wait.max.ms`: how long a broker may hold a fetch to fill it. Small, because a
  /// consumer catching up on a backlog wants the next batch now, not fuller batches later.
  public var fetchMaxWait: Duration = .milliseconds(10)
  /// `auto.offset.reset`: where to start when there is no committed offset or an offset is
  /// out of range. `.beginning` or `.end`; `.exact`/`.committed` are not policies and are
  /// rejected.
  public var offsetResetPolicy: KafkaOffset = .beginning
  /// `enable.auto.commit`: let librdkafka commit consumed positions periodically.
  /// Off by default: a service that keeps its own positions commits explicitly, if at all.
  public var autoCommit: Bool = false
  /// Raw librdkafka properties, applied last.
  public var settings: [String: String] = [:]
  /// Receives librdkafka's log lines, on librdkafka's own threads. `nil`: librdkafka prints
  /// them to standard error itself, in its own format.
  public var logHandler: (@Sendable (KafkaLogMessage) -> Void)?

  public init(bootstrapServers: String, groupID: String? = nil) {
    self.bootstrapServers = bootstrapServers
    self.groupID = groupID
  }

  /// The librdkafka properties this configuration stands for.
  func librdkafkaProperties() throws -> [String: String] {
    var properties: [String: String] = [
      "bootstrap.servers": bootstrapServers,
      "session.timeout.ms": String(sessionTimeout.wholeMilliseconds),
      "fetch.wait.max.ms": String(fetchMaxWait.wholeMilliseconds),
      "enable.auto.commit": autoCommit ? "true" : "false",
      "enable.partition.eof": "false",
    ]
    switch offsetResetPolicy {
    case .beginning: properties["auto.offset.reset"] = "earliest"
    case .end: properties["auto.offset.reset"] = "latest"
    case .exact, .committed:
      throw KafkaError(
        code: .invalidArgument,
        message: "offsetResetPolicy must be .beginning or .end, not \(offsetResetPolicy)")
    }
    properties["group.id"] = groupID ?? "idemstream-standalone"
    if let groupInstanceID, !groupInstanceID.isEmpty {
      properties["group.instance.id"] = groupInstanceID
    }
    properties.merge(settings) { _, raw in raw }
    return properties
  }
}

extension Duration {
  /// Whole milliseconds, clamped to what librdkafka's `int` millisecond settings hold.
  var wholeMilliseconds: Int {
    let (seconds, attoseconds) = components
    let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
    return Int(max(0, min(milliseconds, Int64(Int32.max))))
  }
}
