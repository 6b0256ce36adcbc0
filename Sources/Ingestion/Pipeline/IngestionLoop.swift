import Foundation
import Kafka
import Logging
import Metrics
import OnlineStore

/// The poll → decide → commit loop of one `run` (DESIGN.md, "One batch").
struct IngestionLoop {
  let service: IngestionService
  let stores: IngestionStores
  let consumer: KafkaConsumer
  var decider: RecordDecider
  /// What the stores hold per partition; read by the consumer's start-offset provider.
  let positions: PositionBook
  var batch: PendingBatch
  var totals = IngestionCounts()
  /// For `--stop-at-end`: per assigned partition, the high watermark seen at assignment.
  var targets: [TopicPartition: Int64] = [:]
  var assigned = false
  /// Per partition, the last offset this loop has decided on (or the stores held before).
  var progress: [TopicPartition: Int64]
  /// A dry run decides everything and writes nothing; stale writes are found in memory.
  var dryRun: DryRunState?
  /// Freshness of every committed record, when measured (the benchmark's --rate mode).
  var freshnessSamples: [Int64] = []

  /// The greatest event time of the accepted writes, the clock of the dedup window.
  var newestEventTimeMillis = Int64.min

  static var nowMillis: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

  init(
    service: IngestionService, stores: IngestionStores, consumer: KafkaConsumer,
    decider: RecordDecider, positions: PositionBook
  ) {
    self.service = service
    self.stores = stores
    self.consumer = consumer
    self.decider = decider
    self.positions = positions
    self.batch = PendingBatch(groups: service.config.featureGroups)
    self.progress = positions.current
  }

  var config: IdemstreamConfig { service.config }
  var logger: Logger { service.logger }

  mutating func run(stopAtEnd: Bool) throws -> IngestionCounts {
    let commitInterval = Duration.milliseconds(config.offline.commitIntervalMillis)
    while !service.isStopRequested {
      let pollStart = ContinuousClock.now
      let result = try consumer.poll(
        maxRecords: service.options.pollSize, timeout: .milliseconds(50))
      if !result.records.isEmpty { batch.counts.addStage("kafka", since: pollStart) }
      if totals.firstRecordAtMillis == nil, !result.records.isEmpty {
        totals.firstRecordAtMillis = Self.nowMillis
      }
      if service.options.measureFreshness {
        for record in result.records {
          if let timestamp = record.timestampMilliseconds {
            batch.recordTimestamps.append(timestamp)
          }
        }
      }
      for event in result.events { try handle(event) }
      for record in result.records {
        if batch.startedAt == nil { batch.startedAt = .now }
        decider.take(record, into: &batch)
        // A poll may bring more than one commit's worth: commit as the bound is reached.
        if batch.rowCount >= config.offline.maxRowsPerCommit { try commitBatch() }
      }
      let due =
        (batch.startedAt.map { ContinuousClock.now - $0 >= commitInterval } ?? false)
        || (result.records.isEmpty && !batch.isEmpty)
      if due && !batch.isEmpty { try commitBatch() }
      if stopAtEnd && assigned && batch.isEmpty && caughtUp() { break }
    }
    if !batch.isEmpty { try commitBatch() }
    return totals
  }

  private mutating func handle(_ event: KafkaConsumerEvent) throws {
    switch event {
    case .assigned(let starts):
      logger.info("partitions assigned", metadata: ["partitions": "\(starts.keys.sorted())"])
      for partition in starts.keys {
        let marks = try consumer.queryWatermarks(partition)
        targets[partition] = marks.high
      }
      assigned = true
      logger.debug("targets for --stop-at-end", metadata: ["high_watermarks": "\(targets)"])
    case .revoked(let partitions):
      logger.info("partitions revoked", metadata: ["partitions": "\(partitions.sorted())"])
      // Finish what we hold for them: the records are decided, so commit them now.
      if !batch.isEmpty { try commitBatch() }
      for partition in partitions { targets[partition] = nil }
      assigned = !targets.isEmpty
    case .committed(_, let error):
      if let error { logger.debug("Kafka offset commit failed", metadata: ["error": "\(error)"]) }
    case .error(let error):
      logger.warning("Kafka", metadata: ["error": "\(error)"])
    }
  }

  /// Every assigned partition taken to the high watermark seen at assignment.
  func caughtUp() -> Bool {
    targets.allSatisfy { partition, high in
      high == 0 || (progress[partition] ?? -1) >= high - 1
        || (consumer.cachedWatermarks(partition).map { $0.low >= high } ?? false)
    }
  }

  /// Commits the batch in hand, retrying with backoff while a store refuses (a full or
  /// read-only disk): the batch stays in hand, nothing advances, nothing is lost.
  mutating func commitBatch() throws {
    let entries = decider.dedup.commitPending().map(\.record)
    for entry in entries {
      newestEventTimeMillis = max(newestEventTimeMillis, entry.eventTimeMillis)
    }
    if var dryRun {
      batch.counts.commits = 0
      for (index, writes) in batch.onlineWrites.enumerated() {
        let group = config.featureGroups[index]
        batch.counts.groups[group.name, default: GroupCounts()].stale += try dryRun.staleCount(
          writes, group: group, store: stores.online)
      }
      self.dryRun = dryRun
      totals.add(batch.counts)
      progress.merge(batch.positions) { max($0, $1) }
      batch = PendingBatch(groups: config.featureGroups)
      return
    }
    var backoff = Duration.milliseconds(100)
    var result: OnlineApplyResult
    while true {
      do {
        result = try stores.commit(&batch, dedupEntries: entries)
        Gauge(label: "idemstream_commit_failing").record(0)
        break
      } catch {
        // The counter says how often, the gauge whether it is failing right now.
        Counter(label: "idemstream_commit_failures_total").increment()
        Gauge(label: "idemstream_commit_failing").record(1)
        logger.error(
          "commit failed; retrying the same batch",
          metadata: [
            "error": "\(error)", "retry_in_ms": "\(IngestionService.milliseconds(backoff))",
          ])
        waitBeforeRetry(backoff)
        if service.isStopRequested {
          throw IngestionError.stoppedWhileCommitFailing("\(error)")
        }
        backoff = min(backoff * 2, .seconds(5))
      }
    }
    record(result)
    if service.options.measureFreshness {
      let now = Self.nowMillis
      freshnessSamples += batch.recordTimestamps.map { max(0, now - $0) }
      totals.freshness = FreshnessSummary(samples: freshnessSamples)
    }
    totals.lastCommitAtMillis = Self.nowMillis
    positions.advance(batch.positions)
    decider.onlinePositions.merge(batch.positions) { max($0, $1) }
    progress.merge(batch.positions) { max($0, $1) }
    try? consumer.commitAsync(batch.positions.mapValues { $0 + 1 })
    batch = PendingBatch(groups: config.featureGroups)
    if totals.commits % 100 == 0 { try pruneDedupIndex() }
    service.options.onCommit?(totals)
  }

  /// Sleeps `backoff` in short slices, so that SIGTERM during a failing commit ends the
  /// process within a fraction of a second rather than after the whole backoff.
  private func waitBeforeRetry(_ backoff: Duration) {
    let until = ContinuousClock.now + backoff
    while ContinuousClock.now < until && !service.isStopRequested {
      Thread.sleep(forTimeInterval: 0.02)
    }
  }

  private mutating func record(_ result: OnlineApplyResult) {
    var counts = batch.counts
    for (group, online) in result.groups {
      counts.groups[group, default: GroupCounts()].stale += online.stale
    }
    counts.commits = 1
    totals.add(counts)
    IngestionMetrics.record(counts, positions: batch.positions, consumer: consumer)
    if let newest = batch.newestRecordTimestamp {
      let now = Int64(Date().timeIntervalSince1970 * 1000)
      Timer(label: "idemstream_freshness_seconds").recordMilliseconds(max(0, now - newest))
    }
  }

  /// Forgets idempotency keys whose event time is more than two windows older than the
  /// newest accepted write, and rewrites the dedup log without them. Two windows, not one:
  /// a write up to a window out of order still meets every key it could match.
  mutating func pruneDedupIndex() throws {
    guard newestEventTimeMillis != Int64.min, dryRun == nil else { return }
    let cutoff = newestEventTimeMillis - 2 * decider.dedup.windowMillis
    guard decider.dedup.prune(before: cutoff) > 0 else { return }
    try stores.online.compactDedupLog(
      liveEntries: decider.dedup.committedEntries().map(\.record))
  }
}
