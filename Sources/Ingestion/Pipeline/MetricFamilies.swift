/// One Prometheus metric family the service exposes: its name, its kind, the text of its
/// `# HELP` line and the one label set every series of it has.
///
/// swift-metrics carries no help text, so the endpoint's metrics factory looks each name up
/// here (`MetricFamilies.named`): a family recorded under a name missing from this list would
/// be served without `# HELP`, which the end-to-end scrape test refuses.
public struct MetricFamily: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable {
    case counter, gauge, histogram
  }

  public let name: String
  public let kind: Kind
  public let help: String
  public let labels: [String]
  /// Histograms only: the upper bounds of the buckets, in seconds.
  public let buckets: [Duration]?

  init(
    _ name: String, _ kind: Kind, labels: [String] = [], buckets: [Duration]? = nil,
    help: String
  ) {
    self.name = name
    self.kind = kind
    self.help = help
    self.labels = labels
    self.buckets = buckets
  }
}

/// Every family the ingestion core records through swift-metrics (docs/reference.md,
/// "Metrics"). The endpoint adds `idemstream_build_info` and `process_*` itself.
public enum MetricFamilies {
  static let recordsConsumed = MetricFamily(
    "idemstream_records_consumed_total", .counter,
    help: "Records taken from Kafka, whatever was decided about them.")
  static let records = MetricFamily(
    "idemstream_records_total", .counter, labels: ["outcome", "group"],
    help:
      "Records of a feature group by outcome: applied (written offline and online), stale "
      + "(written offline only: not newer than the entity's stored write), duplicate (written "
      + "nowhere), conflict (dead-lettered: same idempotency key, other content), held "
      + "(already in both stores).")
  static let deadLetters = MetricFamily(
    "idemstream_dead_letters_total", .counter, labels: ["reason"],
    help: "Records written to the dead-letter table, by reason code.")
  static let partitionViolations = MetricFamily(
    "idemstream_entity_partition_violations_total", .counter, labels: ["group"],
    help: "Writes of an entity whose greatest write came from another partition.")
  static let lag = MetricFamily(
    "idemstream_lag_records", .gauge, labels: ["topic", "partition"],
    help: "Records of an assigned partition not yet committed to both stores.")
  static let freshness = MetricFamily(
    "idemstream_freshness_seconds", .histogram,
    buckets: [
      .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
      .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
      .seconds(120), .seconds(300),
    ],
    help: "Per commit: from the newest record's Kafka timestamp until it is visible online.")
  static let commitDuration = MetricFamily(
    "idemstream_commit_seconds", .histogram, labels: ["store"],
    help: "Time one batch's commit took, per store (offline: Delta; online: SQLite).")
  static let commitFailures = MetricFamily(
    "idemstream_commit_failures_total", .counter,
    help: "Failed commit attempts; the same batch is retried.")
  static let commitFailing = MetricFamily(
    "idemstream_commit_failing", .gauge,
    help: "1 while commits are failing and being retried, else 0.")
  static let tableVersion = MetricFamily(
    "idemstream_table_version", .gauge, labels: ["table"],
    help: "The latest version of each offline Delta table.")
  static let tableLastCommit = MetricFamily(
    "idemstream_table_last_commit_timestamp_seconds", .gauge, labels: ["table"],
    help: "When each offline Delta table's latest version was committed (Unix time).")
  static let rebalances = MetricFamily(
    "idemstream_rebalances_total", .counter, labels: ["event"],
    help: "Consumer-group rebalances by event: partitions assigned or revoked.")
  static let kafkaErrors = MetricFamily(
    "idemstream_kafka_errors_total", .counter,
    help: "Errors the Kafka client reported to the consumer (brokers down, transport); retried.")

  public static let all: [MetricFamily] = [
    recordsConsumed, records, deadLetters, partitionViolations, lag, freshness, commitDuration,
    commitFailures, commitFailing, tableVersion, tableLastCommit, rebalances, kafkaErrors,
  ]

  private static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

  /// The family recorded under a swift-metrics label.
  public static func named(_ name: String) -> MetricFamily? { byName[name] }

  /// The `outcome` label values of `idemstream_records_total`.
  static let outcomes = ["applied", "stale", "duplicate", "conflict", "held"]
  /// The `event` label values of `idemstream_rebalances_total`.
  static let rebalanceEvents = ["assigned", "revoked"]
}
