import Foundation
import Kafka

/// Where a replay starts reading.
public enum ReplayStart: Sendable {
  case beginning
  /// Per partition, the first offset to read.
  case offsets([TopicPartition: Int64])
  /// The first record at or after this time, per partition.
  case time(Date)
}

extension IngestionService {
  /// Re-reads a range of the topics through the same rules as `run` and writes what is new
  /// (nothing, when the stores already hold the range), up to the high watermarks seen at
  /// start. With `dryRun` nothing is written: the report says what a run would write.
  public func replay(from start: ReplayStart, dryRun: Bool) throws -> IngestionCounts {
    var config = self.config
    var scratch: URL?
    if dryRun && !FileManager.default.fileExists(atPath: config.dataDir) {
      // Fresh stores: decide against empty ones in a scratch dir, so nothing is created here.
      let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "idemstream-dry-run-\(UUID().uuidString)")
      config.dataDir = url.path
      scratch = url
    }
    defer { scratch.map { try? FileManager.default.removeItem(at: $0) } }
    // A dry run over existing stores opens them read-only: no lock, so it runs beside the
    // service, and nothing under the data dir is created or changed.
    let stores = try IngestionStores(
      config: config, logger: logger, readOnly: dryRun && scratch == nil)
    defer { stores.close() }
    var dedup = DedupIndex(windowMillis: config.dedup.windowMillis)
    dedup.load(try stores.online.loadDedupEntries().map(DedupEntry.init))
    let decider = RecordDecider(
      config: config, dedup: dedup, offlinePositions: stores.offlinePositions,
      onlinePositions: try stores.onlinePositions())
    let held = decider.resumePositions

    var consumerConfig = try consumerConfiguration()
    consumerConfig.groupID = nil
    consumerConfig.groupInstanceID = nil
    let consumer = try KafkaConsumer(configuration: consumerConfig)
    defer { try? consumer.close() }
    try checkReachable(consumer)
    var starts: [TopicPartition: KafkaOffset] = [:]
    var targets: [TopicPartition: Int64] = [:]
    for topic in config.kafka.topics {
      for partition in try consumer.partitions(of: topic) {
        let topicPartition = TopicPartition(topic, partition)
        let marks = try consumer.queryWatermarks(topicPartition)
        targets[topicPartition] = marks.high
        switch start {
        case .beginning: starts[topicPartition] = .beginning
        case .offsets(let offsets):
          guard let offset = offsets[topicPartition] else { continue }
          starts[topicPartition] = .exact(offset)
        case .time(let date):
          starts[topicPartition] =
            try consumer.offset(for: topicPartition, at: date).map {
              .exact($0)
            } ?? .end
        }
      }
    }
    targets = targets.filter { starts[$0.key] != nil }
    try consumer.assign(starts)
    // Progress counts from just before each start, so the loop reads up to the targets.
    var progress: [TopicPartition: Int64] = [:]
    for (partition, startOffset) in starts {
      switch startOffset {
      case .exact(let offset): progress[partition] = offset - 1
      case .end: progress[partition] = (targets[partition] ?? 0) - 1
      default: progress[partition] = -1
      }
    }
    var loop = IngestionLoop(
      service: self, stores: stores, consumer: consumer, decider: decider,
      positions: PositionBook(held))
    loop.progress = progress
    loop.targets = targets
    loop.assigned = true
    loop.dryRun = dryRun ? DryRunState() : nil
    return try loop.run(stopAtEnd: true)
  }
}
