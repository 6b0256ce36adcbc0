import Foundation
import Synchronization

/// Sends records to Kafka. Idempotent by default, so librdkafka's retries (across broker
/// outages, timeouts) neither duplicate nor reorder records within a partition.
///
/// `send` only enqueues: it returns at once, and blocks only while librdkafka's queue is
/// full (back-pressure), so millions of small records go out at full speed. Delivery is
/// confirmed by `flush`, by `sendAndWait`, or per record through the configuration's
/// `deliveryReportHandler`. A background thread serves delivery reports.
public final class KafkaProducer: Sendable {
  let client: RdKafkaClient
  private let deliveries: ProducerDeliveryContext
  private let topics: RdKafkaTopicHandles
  private let poller: BackgroundPoller
  private let closed = Mutex(false)

  public init(configuration: KafkaProducerConfiguration) throws {
    let deliveries = ProducerDeliveryContext(handler: configuration.deliveryReportHandler)
    self.deliveries = deliveries
    let client = try RdKafkaClient(
      role: .producer, properties: configuration.librdkafkaProperties(),
      callbackContext: deliveries,
      installCallbacks: RdKafkaClient.installProducerCallbacks)
    self.client = client
    topics = RdKafkaTopicHandles(client: client)
    poller = BackgroundPoller(client: client)
  }

  deinit {
    poller.stop()
    // Fail what was never delivered so that no `sendAndWait` waits forever: purged records
    // get a failed delivery report at once, and the flush serves those reports.
    client.purgeOutstanding()
    try? client.flush(timeout: .seconds(1))
  }

  /// Enqueues a record. `partition` nil: librdkafka's partitioner picks one from the key
  /// (consistent hashing, so one key always lands in one partition). `timestampMilliseconds`
  /// nil: the record is stamped with the current time (its CreateTime otherwise). Waits
  /// while the queue is full; throws for anything else (unknown partition, oversized
  /// record, closed).
  public func send(
    topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [],
    partition: Int32? = nil, timestampMilliseconds: Int64? = nil
  ) throws {
    try enqueue(
      topic, partition, key, value, headers, timestampMilliseconds: timestampMilliseconds,
      waiter: nil)
  }

  /// `send` with UTF-8 text for key and value.
  public func send(
    topic: String, key: String?, value: String?, headers: [KafkaHeader] = [],
    partition: Int32? = nil
  ) throws {
    try send(
      topic: topic, key: key.map { Array($0.utf8) }, value: value.map { Array($0.utf8) },
      headers: headers, partition: partition)
  }

  /// Sends a record and returns once the broker has written it (or throws why not).
  public func sendAndWait(
    topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [],
    partition: Int32? = nil
  ) async throws -> KafkaDeliveryReport {
    try await withCheckedThrowingContinuation { continuation in
      do {
        try enqueue(topic, partition, key, value, headers, waiter: DeliveryWaiter(continuation))
      } catch {
        continuation.resume(throwing: error)
      }
    }
  }

  /// Waits until every record sent so far is delivered or failed, then reports: throws the
  /// first delivery failure since the previous flush, else returns how many were delivered.
  @discardableResult
  public func flush(timeout: Duration = .seconds(60)) throws -> Int {
    try client.flush(timeout: timeout)
    let tally = deliveries.takeTally()
    if let failure = tally.firstFailure {
      throw KafkaError(
        code: failure.code,
        message: "\(tally.failed) record(s) not delivered, first: \(failure.message)",
        isFatal: failure.isFatal)
    }
    return tally.delivered
  }

  /// Records sent but not yet confirmed.
  public var outstandingCount: Int { client.outstandingCount }

  /// Flushes, then refuses further sends. Records still undelivered after `timeout` fail.
  public func close(timeout: Duration = .seconds(60)) throws {
    closed.withLock { $0 = true }
    try flush(timeout: timeout)
  }

  private func enqueue(
    _ topic: String, _ partition: Int32?, _ key: [UInt8]?, _ value: [UInt8]?,
    _ headers: [KafkaHeader], timestampMilliseconds: Int64? = nil, waiter: DeliveryWaiter?
  ) throws {
    if closed.withLock({ $0 }) {
      throw KafkaError(code: .destroyed, message: "the producer is closed")
    }
    let handle = try topics.handle(for: topic)
    while true {
      do {
        try client.produce(
          topic: handle, partition: partition, key: key, value: value, headers: headers,
          timestampMilliseconds: timestampMilliseconds, waiter: waiter)
        return
      } catch let error as KafkaError where error.code == .queueFull {
        // Back-pressure: let deliveries drain the queue, then try again.
        client.servePendingEvents(waitingMilliseconds: 5)
      }
    }
  }
}

/// A thread that serves the producer's delivery reports until stopped, so that reports
/// (and `sendAndWait` continuations) do not depend on the caller polling.
final class BackgroundPoller: Sendable {
  private final class RunFlag: Sendable {
    let running = Atomic<Bool>(true)
  }

  private let flag = RunFlag()
  private let finished = DispatchSemaphore(value: 0)

  init(client: RdKafkaClient) {
    // Named from inside (Foundation on Linux names only the running thread), in 15 bytes.
    let thread = Thread { [flag, finished] in
      Thread.current.name = "kafka-producer"
      while flag.running.load(ordering: .acquiring) {
        client.servePendingEvents(waitingMilliseconds: 50)
      }
      finished.signal()
    }
    thread.start()
  }

  func stop() {
    if flag.running.exchange(false, ordering: .acquiringAndReleasing) { finished.wait() }
  }
}
