import Synchronization

/// Reads records from Kafka in batches, either as a member of a consumer group
/// (`subscribe`) or from partitions it picks itself (`assign`).
///
/// Built for a service that keeps its own positions: on every group assignment it asks the
/// service where to start each partition, and it reports revocations as events so that the
/// service can finish the work it holds for them. All methods may be called from any
/// thread; `poll` is meant to be called from one loop.
public final class KafkaConsumer: Sendable {
  /// Given the partitions the group just assigned, returns where to start each of them.
  /// A partition left out (or mapped to `.committed`) starts at the group's committed
  /// offset, or by `auto.offset.reset` without one. Called on the polling thread, inside
  /// the rebalance; if it throws, the partitions are not read and `poll` throws the error.
  public typealias StartOffsetProvider =
    @Sendable ([TopicPartition]) throws -> [TopicPartition:
    KafkaOffset]

  private let client: RdKafkaClient
  var metadataClient: RdKafkaClient { client }
  private let callbacks: ConsumerCallbackContext
  private let closed = Mutex(false)
  private let fetchNudger: FetchNudger

  public init(configuration: KafkaConsumerConfiguration) throws {
    let callbacks = ConsumerCallbackContext(logHandler: configuration.logHandler)
    self.callbacks = callbacks
    let forwardingLogs = configuration.logHandler != nil
    client = try RdKafkaClient(
      role: .consumer, properties: try configuration.librdkafkaProperties(),
      callbackContext: callbacks,
      installCallbacks: {
        RdKafkaClient.installConsumerCallbacks($0, forwardingLogs: forwardingLogs)
      })
    fetchNudger = FetchNudger(client: client)
  }

  /// Joins the consumer group and follows `topics`. Partitions arrive through `poll` as
  /// `.assigned` events, already positioned where `startOffsets` said.
  public func subscribe(topics: [String], startOffsets: StartOffsetProvider? = nil) throws {
    try checkOpen()
    callbacks.startOffsets = startOffsets
    try client.subscribe(topics)
  }

  /// Reads exactly these partitions from these offsets, outside any group rebalancing.
  /// Replaces the previous manual assignment.
  public func assign(_ starts: [TopicPartition: KafkaOffset]) throws {
    try checkOpen()
    try client.assign(starts.mapValues(\.rawOffset))
  }

  /// The partitions this consumer currently reads.
  public func assignment() throws -> [TopicPartition] {
    try checkOpen()
    return try client.assignment().sorted()
  }

  /// Moves an assigned partition's read position. Records already fetched from the old
  /// position are discarded; an out-of-range offset is resolved by `auto.offset.reset`.
  public func seek(
    _ partition: TopicPartition, to offset: KafkaOffset, timeout: Duration = .seconds(5)
  ) throws {
    try checkOpen()
    try client.seek([partition: offset.rawOffset], timeout: timeout)
  }

  /// Returns up to `maxRecords` records, waiting at most `timeout` for the first one, then
  /// taking what has already arrived. Events (rebalances, commit results, errors) come with
  /// the result; a rebalance ends the batch (see `KafkaPollResult`).
  public func poll(maxRecords: Int = 10_000, timeout: Duration = .milliseconds(100)) throws
    -> KafkaPollResult
  {
    try checkOpen()
    let batch = client.consumeRecords(
      maxRecords: max(1, maxRecords), timeoutMilliseconds: Int32(timeout.wholeMilliseconds),
      rebalanced: callbacks.takeRebalanced)
    var result = KafkaPollResult(records: batch.records)
    let recordErrors = batch.errors.map(KafkaConsumerEvent.error)
    result.events = recordErrors + callbacks.takeEvents()
    if let failure = callbacks.takeFailure() { throw failure }
    if let fatal = client.fatalError() { throw fatal }
    return result
  }

  /// Like `poll`, but the records stay in librdkafka's buffers until the returned batch is
  /// released (see `KafkaMessageBatch`): for a caller done with each record before the
  /// next poll.
  public func pollMessages(maxRecords: Int = 10_000, timeout: Duration = .milliseconds(100))
    throws -> KafkaMessagePoll
  {
    try checkOpen()
    let batch = client.consumeMessages(
      maxRecords: max(1, maxRecords), timeoutMilliseconds: Int32(timeout.wholeMilliseconds),
      rebalanced: callbacks.takeRebalanced)
    let events = batch.errors.map(KafkaConsumerEvent.error) + callbacks.takeEvents()
    if let failure = callbacks.takeFailure() { throw failure }
    if let fatal = client.fatalError() { throw fatal }
    return KafkaMessagePoll(messages: batch.messages, events: events)
  }

  /// Wakes librdkafka's fetchers for `partitions`, which stop while the prefetch queue is
  /// full and otherwise look again only up to a second later (see `FetchNudger`). Call it
  /// when a poll drained the queue while the partitions still have records to read. Returns
  /// at once; the round trips to the leaders run on a queue of their own.
  public func nudgeFetchers(for partitions: Set<TopicPartition>) {
    guard !partitions.isEmpty, (try? checkOpen()) != nil else { return }
    fetchNudger.nudge(partitions)
  }

  /// Asks the partition leader for the current log range (a network round trip).
  public func queryWatermarks(_ partition: TopicPartition, timeout: Duration = .seconds(5))
    throws -> PartitionWatermarks
  {
    try checkOpen()
    return try client.queryWatermarks(partition, timeout: timeout)
  }

  /// The log range seen in the latest fetch response (fetch responses carry both the high
  /// watermark and the log start), without a round trip; `nil` until this consumer has
  /// fetched from the partition.
  public func cachedWatermarks(_ partition: TopicPartition) -> PartitionWatermarks? {
    guard (try? checkOpen()) != nil else { return nil }
    return client.cachedWatermarks(partition)
  }

  /// Commits offsets to the group and waits for the answer. An offset is the *next* record
  /// to read (last processed + 1), as in Kafka. `nil`: the positions consumed so far.
  public func commit(_ offsets: [TopicPartition: Int64]? = nil) throws {
    try checkOpen()
    try client.commit(offsets, async: false)
  }

  /// Starts a commit and returns at once; its outcome arrives as a `.committed` event
  /// from a later `poll` (as does, additionally, that of a synchronous `commit`).
  public func commitAsync(_ offsets: [TopicPartition: Int64]? = nil) throws {
    try checkOpen()
    try client.commit(offsets, async: true)
  }

  /// The group's committed offsets for these partitions; partitions without one are absent.
  public func committedOffsets(for partitions: [TopicPartition], timeout: Duration = .seconds(5))
    throws -> [TopicPartition: Int64]
  {
    try checkOpen()
    return try client.committed(partitions, timeout: timeout)
  }

  /// Leaves the group (its partitions go to the other members at once) and stops fetching.
  /// Idempotent. Commits nothing by itself unless `autoCommit` is on.
  public func close() throws {
    let wasClosed = closed.withLock { closed in
      defer { closed = true }
      return closed
    }
    guard !wasClosed else { return }
    fetchNudger.drain()
    try client.closeConsumer()
  }

  private func checkOpen() throws {
    if closed.withLock({ $0 }) {
      throw KafkaError(code: .destroyed, message: "the consumer is closed")
    }
  }
}
