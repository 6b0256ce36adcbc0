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
  /// Commits on its own thread while this loop decides the next batch.
  let committer: BatchCommitter
  /// Batches completed while waiting for the committer to be idle, booked next time round.
  var deferredCompleted: [BatchCommitter.Completed] = []
  /// Freshness of every committed record, when measured (the benchmark's --rate mode).
  var freshnessSamples: [Int64] = []
  /// Record timestamp to taken from the consumer: the part of freshness Kafka accounts for.
  var deliverySamples: [Int64] = []

  /// The periodic totals line and the dead-letter warning.
  var runLog: RunLog
  /// When the lag gauges were last refreshed between commits (`refreshLag`).
  var lagRefreshedAt = ContinuousClock.now

  /// Entities already logged as written from a second partition.
  var loggedViolations = Set<String>()
  static let loggedViolationsKept = 10_000

  /// When the fetchers were last nudged (`nudgeFetchersIfBehind`).
  var lastNudgeAt = ContinuousClock.now
  /// Records polled since a poll last drained librdkafka's queue.
  var recordsSinceDrained = 0
  /// So many records between two drained polls: the queue held a backlog, not a trickle.
  static let backlogRecords = 2_000
  /// When the last batch was handed to the committer: `commit_interval_ms` counts from it.
  var lastSubmittedAt = ContinuousClock.now
  /// When the batch in hand falls due: `commit_interval_ms` after the last commit handed over.
  var batchDueAt: ContinuousClock.Instant {
    lastSubmittedAt + .milliseconds(config.offline.commitIntervalMillis)
  }

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
    self.committer = BatchCommitter(stores: stores, service: service)
    self.runLog = RunLog(
      logger: service.logger, intervalMillis: service.config.log.summaryIntervalMillis)
  }

  var config: IdemstreamConfig { service.config }
  var logger: Logger { service.logger }

  mutating func run(stopAtEnd: Bool) throws -> IngestionCounts {
    defer {
      committer.close()
      stores.waitForCheckpoints()
    }
    while !service.isStopRequested {
      try finishCompleted(try committer.takeCompleted())
      let pollStart = ContinuousClock.now
      // The records stay in librdkafka's buffers until `result` is released, at the end of
      // this iteration: each is decoded where it lies.
      let result = try consumer.pollMessages(
        maxRecords: service.options.pollSize, timeout: pollTimeout)
      let records = result.messages
      if !records.isEmpty { batch.counts.addStage("kafka", since: pollStart) }
      if records.isEmpty, totals.firstRecordAtMillis != nil {
        batch.counts.addStage("kafka_wait", since: pollStart)
      }
      recordsSinceDrained += records.count
      if records.count < service.options.pollSize {
        // Drained: a backlog's worth since the last time may have filled it.
        if recordsSinceDrained >= Self.backlogRecords { nudgeFetchersIfBehind() }
        recordsSinceDrained = 0
      }
      if totals.firstRecordAtMillis == nil, !records.isEmpty {
        totals.firstRecordAtMillis = Self.nowMillis
      }
      for event in result.events { try handle(event) }
      let measureFreshness = service.options.measureFreshness
      let polledAt = measureFreshness ? Self.nowMillis : 0
      for index in 0..<records.count {
        let record = records[index]
        if measureFreshness, let timestamp = record.timestampMilliseconds {
          // Into the batch that takes the record, which a cut below may already have changed.
          batch.recordTimestamps.append(timestamp)
          deliverySamples.append(max(0, polledAt - timestamp))
        }
        decider.take(record, into: &batch)
        // A poll may bring more than one commit's worth: commit as the bound is reached.
        if batch.rowCount >= config.offline.maxRowsPerCommit
          || batch.inputBytes >= service.options.maxBatchBytes
        {
          try commitBatch()
        }
      }
      // The interval runs from the last commit handed over, not from the batch's first
      // record: when a commit took longer than the interval, the records that came in
      // meanwhile go at once instead of waiting a further interval.
      let due =
        ContinuousClock.now >= batchDueAt
        || (records.isEmpty && !batch.isEmpty)
      if due && !batch.isEmpty { try commitBatch() }
      refreshLag()
      if runLog.isDue { runLog.line(totals: totals, lag: lagText()) }
      if stopAtEnd && assigned && batch.isEmpty && committer.isIdle {
        try finishCompleted(try committer.takeCompleted())
        if caughtUp() { break }
      }
    }
    if !batch.isEmpty { try commitBatch() }
    try finishCompleted(try committer.whenIdle())
    if service.options.measureFreshness {
      totals.freshness = FreshnessSummary(samples: freshnessSamples)
      totals.delivery = FreshnessSummary(samples: deliverySamples)
    }
    return totals
  }

  /// How long a poll may wait for the first record: 50 ms, or less when the batch in hand
  /// falls due sooner, so that it is cut on time rather than when the next record comes.
  private var pollTimeout: Duration {
    let idle = Duration.milliseconds(50)
    guard !batch.isEmpty else { return idle }
    let untilDue = batchDueAt - ContinuousClock.now
    // Rounded up: librdkafka takes whole milliseconds, and 0 would spin until due.
    return max(.zero, min(idle, untilDue + .microseconds(999)))
  }

  private mutating func handle(_ event: KafkaConsumerEvent) throws {
    switch event {
    case .assigned(let starts):
      logger.info("partitions assigned", metadata: ["partitions": "\(starts.keys.sorted())"])
      IngestionMetrics.rebalance("assigned")
      let held = positions.current
      for partition in starts.keys {
        let marks = try consumer.queryWatermarks(partition)
        targets[partition] = marks.high
        IngestionMetrics.lag(partition, records: Self.behind(marks, held: held[partition]))
      }
      assigned = true
      service.options.readiness?.setAssignedPartitions(targets.count)
      logger.debug("targets for --stop-at-end", metadata: ["high_watermarks": "\(targets)"])
    case .revoked(let partitions):
      logger.info("partitions revoked", metadata: ["partitions": "\(partitions.sorted())"])
      // Finish what we hold for them: the records are decided, so commit them now.
      if !batch.isEmpty { try commitBatch() }
      try finishCompleted(try committer.whenIdle())
      IngestionMetrics.rebalance("revoked")
      for partition in partitions {
        targets[partition] = nil
        IngestionMetrics.forgetLag(partition)
      }
      assigned = !targets.isEmpty
      service.options.readiness?.setAssignedPartitions(targets.count)
    case .committed(_, let error):
      if let error { logger.debug("Kafka offset commit failed", metadata: ["error": "\(error)"]) }
    case .error(let error):
      IngestionMetrics.kafkaError()
      // A broker failure librdkafka logged already (`KafkaLogForwarder`) is not said twice.
      guard !service.kafkaLog.alreadyLogged(error) else { return }
      logger.warning("Kafka", metadata: ["error": "\(error)"])
    }
  }

  /// This poll drained librdkafka's queue after a backlog's worth of records. If the
  /// partitions still have records to read, its fetchers may have stopped while the queue
  /// was full and would look again only up to a second later: wake them
  /// (`KafkaConsumer.nudgeFetchers`), at most every 20 ms. Not when records trickle in (a
  /// caught-up stream): there the queue never fills, and the extra requests to the leader
  /// were measured to delay deliveries by seconds on the mock broker.
  private mutating func nudgeFetchersIfBehind() {
    guard assigned, ContinuousClock.now - lastNudgeAt >= .milliseconds(20) else { return }
    lastNudgeAt = .now
    let behind = targets.keys.contains { partition in
      guard let high = consumer.cachedWatermarks(partition)?.high else { return false }
      return (progress[partition] ?? -1) < high - 1
    }
    if behind { consumer.nudgeFetchers(for: Set(targets.keys)) }
  }

  /// Records of a partition the stores do not hold yet: from after `held` (or the log start,
  /// when they hold nothing of it or less than Kafka still has) to the high watermark.
  static func behind(_ marks: PartitionWatermarks, held: Int64?) -> Int64 {
    max(0, marks.high - max((held ?? -1) + 1, marks.low))
  }

  /// Sets the lag gauges of the assigned partitions, once a second: each commit sets its
  /// own partitions', but while commits fail or nothing comes, only this moves them.
  mutating func refreshLag() {
    guard ContinuousClock.now - lagRefreshedAt >= .seconds(1) else { return }
    lagRefreshedAt = .now
    let held = positions.current
    for partition in targets.keys {
      guard let marks = consumer.cachedWatermarks(partition) else { continue }
      IngestionMetrics.lag(partition, records: Self.behind(marks, held: held[partition]))
    }
  }

  /// `lag 12` over the assigned partitions, from the latest fetch's high watermarks (the
  /// one seen at assignment before a partition's first fetch).
  func lagText() -> String {
    guard !targets.isEmpty else { return "lag unknown (no partitions assigned)" }
    let held = positions.current
    var total: Int64 = 0
    for (partition, highAtAssignment) in targets {
      let marks =
        consumer.cachedWatermarks(partition)
        ?? PartitionWatermarks(low: 0, high: highAtAssignment)
      total += Self.behind(marks, held: held[partition])
    }
    return "lag \(total)"
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
    batch.foldCounts()
    let entries = decider.dedup.commitPending().map(\.record)
    if entries.isEmpty && batch.changesNothing(beyond: decider.resumePositions) {
      // Records the stores hold already: no commit, so that no file changes.
      totals.add(batch.counts)
      progress.merge(batch.positions) { max($0, $1) }
      batch = PendingBatch(groups: config.featureGroups)
      return
    }
    if var dryRun {
      batch.counts.commits = 0
      for (index, view) in batch.onlineViews().enumerated() {
        let group = config.featureGroups[index]
        batch.counts.groups[group.name, default: GroupCounts()].stale += try dryRun.staleCount(
          view, group: group, store: stores.online)
      }
      self.dryRun = dryRun
      totals.add(batch.counts)
      progress.merge(batch.positions) { max($0, $1) }
      batch = PendingBatch(groups: config.featureGroups)
      return
    }
    batch.onlinePositions = decider.submit(batch)
    let submitted = batch
    batch = PendingBatch(groups: config.featureGroups)
    let submitStart = ContinuousClock.now
    try committer.submit(submitted, dedupEntries: entries)
    batch.counts.addStage("committer_wait", since: submitStart)
    lastSubmittedAt = .now
    try finishCompleted(try committer.takeCompleted())
  }

  /// Books the batches the committer finished: totals, positions, Kafka offsets, metrics.
  mutating func finishCompleted(_ done: [BatchCommitter.Completed]) throws {
    let done = deferredCompleted + done
    deferredCompleted = []
    for completed in done {
      record(completed.result, of: completed.batch)
      if service.options.measureFreshness {
        // Summarised once, when the run ends: sorting every sample per batch would slow
        // the very loop whose latency it measures.
        freshnessSamples += completed.batch.recordTimestamps.map {
          max(0, completed.committedAtMillis - $0)
        }
      }
      totals.lastCommitAtMillis = completed.committedAtMillis
      positions.advance(completed.batch.positions)
      progress.merge(completed.batch.positions) { max($0, $1) }
      try? consumer.commitAsync(completed.batch.positions.mapValues { $0 + 1 })
      if totals.commits % config.dedup.pruneIntervalCommits == 0 { try pruneDedupIndex() }
      service.options.onCommit?(totals)
    }
  }

  private mutating func record(_ result: OnlineApplyResult, of batch: PendingBatch) {
    var counts = batch.counts
    for (group, online) in result.groups {
      counts.groups[group, default: GroupCounts()].stale += online.stale
      counts.entityPartitionViolations += online.partitionViolations
      noteViolations(online, group: group)
    }
    counts.commits = 1
    totals.add(counts)
    IngestionMetrics.record(counts, positions: batch.positions, consumer: consumer)
    runLog.checkDeadLetters(of: counts)
    if let newest = batch.newestRecordTimestamp {
      let now = Int64(Date().timeIntervalSince1970 * 1000)
      let freshness = max(0, now - newest)
      Timer(label: MetricFamilies.freshness.name).recordMilliseconds(freshness)
      runLog.committed(freshnessMillis: freshness)
    }
  }

  /// Counts the writes of entities seen in a second partition and logs each such entity
  /// once (up to `loggedViolationsKept` of them, so that a producer that never keys by
  /// entity cannot grow the set without bound).
  private mutating func noteViolations(_ online: OnlineGroupCounts, group: String) {
    guard online.partitionViolations > 0 else { return }
    Counter(label: MetricFamilies.partitionViolations.name, dimensions: [("group", group)])
      .increment(by: online.partitionViolations)
    for key in online.violatingKeys where loggedViolations.count < Self.loggedViolationsKept {
      let keyText = "[" + key.map(RowJSON.encode).joined(separator: ",") + "]"
      guard loggedViolations.insert(group + " " + keyText).inserted else { continue }
      logger.warning(
        """
        an entity was written from a second partition: producers must key records by \
        entity, or its last write depends on which partition is read first
        """,
        metadata: ["group": "\(group)", "key": "\(keyText)"])
    }
  }

  /// Forgets the dedup entries no later record can remember (`DedupIndex.prune`) and
  /// rewrites the dedup log without them. It changes no decision, so how often it runs
  /// (`dedup.prune_interval`) is a matter of memory alone.
  mutating func pruneDedupIndex() throws {
    guard dryRun == nil, decider.dedup.prune(floors: decider.clockFloors) > 0 else { return }
    // Only while nothing is committing: every entry the index holds as committed is then
    // in both stores, so the rewritten log holds nothing a crash could take back.
    let live = decider.dedup.committedEntries().map(\.record)
    deferredCompleted += try committer.whenIdle { stores in
      try stores.online.compactDedupLog(liveEntries: live)
    }
  }
}
