import Foundation
import Kafka
import Logging
import Metrics
import OnlineStore
import Synchronization

/// The service: consumes the configured topics in a consumer group and gives every record
/// exactly one effect in both stores (DESIGN.md).
///
/// It runs on the calling thread (librdkafka's poll blocks); `requestStop()` may be called
/// from any thread or a signal handler's dispatch source and ends the loop after the batch
/// in hand is committed.
public final class IngestionService: Sendable {
  public struct Options: Sendable {
    /// Exit once every assigned partition is taken to the high watermark seen at start.
    public var stopAtEnd = false
    /// Records asked of the consumer per poll.
    public var pollSize = 20_000
    /// The batch in hand is also committed once the record values it holds reach this many
    /// bytes: with `max_rows_per_commit` alone, a backlog of large batches would hold
    /// hundreds of MB of decoded rows at once. 8 MiB is about 40,000 records of 200 bytes:
    /// peak RSS draining 1M records fell from ~260 MB (32 MiB) to ~197 MB, and the
    /// records/s stayed within the run-to-run noise (BENCHMARKS.md).
    public var maxBatchBytes = 8 << 20
    /// Keep every record's freshness (record timestamp to visible online) for the summary.
    public var measureFreshness = false
    /// Called after each commit, for progress output.
    public var onCommit: (@Sendable (IngestionCounts) -> Void)?
    /// Told when the stores are open and how many partitions are assigned (`/readyz`).
    public var readiness: ServiceReadiness?
    public init() {}
  }

  let config: IdemstreamConfig
  let options: Options
  let logger: Logger
  /// librdkafka's log lines, through `logger`.
  let kafkaLog: KafkaLogForwarder
  private let stopRequested = Atomic<Bool>(false)

  public init(config: IdemstreamConfig, options: Options, logger: Logger) {
    self.config = config
    self.options = options
    self.logger = logger
    kafkaLog = KafkaLogForwarder(logger: logger)
  }

  /// Asks the loop to finish the batch in hand, commit and return.
  public func requestStop() { stopRequested.store(true, ordering: .relaxed) }

  /// Whether `requestStop()` was called: a run that returns with it was stopped (by a
  /// signal, in `run`), not caught up.
  public var isStopRequested: Bool { stopRequested.load(ordering: .relaxed) }

  /// Runs until stopped (or, with `stopAtEnd`, until caught up) and returns the totals.
  public func run() throws -> IngestionCounts {
    let openStart = ContinuousClock.now
    let stores = try IngestionStores(config: config, logger: logger)
    defer { stores.close() }
    IngestionMetrics.start(
      groups: config.featureGroups.map(\.name), tables: try stores.latestCommits())
    options.readiness?.setStoresOpen(true)
    defer {
      options.readiness?.setAssignedPartitions(0)
      options.readiness?.setStoresOpen(false)
    }
    var dedup = DedupIndex(windowMillis: config.dedup.windowMillis)
    dedup.load(try stores.online.loadDedupEntries().map(DedupEntry.init))
    let decider = RecordDecider(
      config: config, dedup: dedup, offlinePositions: stores.offlinePositions,
      onlinePositions: try stores.onlinePositions())
    let positions = PositionBook(decider.resumePositions)

    let consumer = try KafkaConsumer(configuration: consumerConfiguration())
    try checkReachable(consumer)
    // Each assigned partition resumes after what the stores hold, never at Kafka's
    // committed offset (DESIGN.md, "On assignment").
    try consumer.subscribe(topics: config.kafka.topics) { positions.startOffsets(for: $0) }
    logger.info(
      "stores open, consumer ready",
      metadata: [
        "startup_ms": "\(Self.milliseconds(ContinuousClock.now - openStart))",
        "dedup_keys": "\(decider.dedup.count)", "data_dir": "\(config.dataDir)",
      ])
    var loop = IngestionLoop(
      service: self, stores: stores, consumer: consumer, decider: decider,
      positions: positions)
    loop.totals.startupMillis = ProcessClock.millisecondsSinceProcessStart()
    defer { try? consumer.close() }
    return try loop.run(stopAtEnd: options.stopAtEnd)
  }

  /// Gives up on a cluster no broker of which answers within `kafka.connect_timeout`:
  /// librdkafka would retry it forever, and a `--stop-at-end` run would never end.
  func checkReachable(_ consumer: KafkaConsumer) throws {
    let timeout = config.kafka.connectTimeoutMillis
    do {
      try consumer.checkReachable(timeout: .milliseconds(timeout))
    } catch let error as KafkaError {
      throw IngestionError.clusterUnreachable(
        servers: config.kafka.bootstrapServers ?? "", timeoutMillis: timeout,
        reason: error.code.text)
    }
  }

  func consumerConfiguration() throws -> KafkaConsumerConfiguration {
    guard let bootstrap = config.kafka.bootstrapServers else {
      throw IngestionError.noBootstrapServers
    }
    var configuration = KafkaConsumerConfiguration(
      bootstrapServers: bootstrap, groupID: config.kafka.groupID)
    let instance = config.kafka.instanceID.isEmpty ? Self.hostName : config.kafka.instanceID
    configuration.groupInstanceID = instance
    // librdkafka prefetches up to 64 MiB by default; keep it to 4 MiB unless the config says
    // otherwise. A small prefetch used to starve the loop (librdkafka 2.0.2 restarts a
    // stopped fetch only when its broker thread wakes, up to a second later); the loop now
    // nudges the fetchers when it drains the queue (`KafkaConsumer.nudgeFetchers`).
    configuration.settings = ["queued.max.messages.kbytes": "4096"].merging(
      config.kafka.settings
    ) { $1 }
    configuration.logHandler = { [kafkaLog] in kafkaLog.log($0) }
    return configuration
  }

  static var hostName: String { ProcessInfo.processInfo.hostName }

  static func milliseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1000 + attoseconds / 1_000_000_000_000_000
  }
}

/// Errors of the service itself (each store and the decoder have their own).
public enum IngestionError: Error, CustomStringConvertible, Sendable {
  case noBootstrapServers
  /// SIGINT/SIGTERM came while a commit kept failing: the batch in hand was not committed
  /// (no store took all of it), so the next run reads it again.
  case stoppedWhileCommitFailing(String)
  /// No broker answered within `kafka.connect_timeout` at start.
  case clusterUnreachable(servers: String, timeoutMillis: Int64, reason: String)

  public var description: String {
    switch self {
    case .stoppedWhileCommitFailing(let error):
      return
        "stopped while the commit kept failing (\(error)); the uncommitted batch is read "
        + "again on restart"
    case .clusterUnreachable(let servers, let timeoutMillis, let reason):
      return
        "cannot reach the Kafka cluster at \(servers) within kafka.connect_timeout "
        + "(\(DurationParser.text(millis: timeoutMillis))): \(reason) — check "
        + "kafka.bootstrap_servers and that the brokers are up, or raise kafka.connect_timeout"
    case .noBootstrapServers:
      return
        "kafka.bootstrap_servers is not set: set it in the config, or use `idemstream demo` / "
        + "`idemstream broker` for the embedded broker"
    }
  }
}
