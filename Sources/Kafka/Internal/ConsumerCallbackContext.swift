import Synchronization

/// What librdkafka's consumer callbacks (rebalance, commit, error, log) share with the
/// consumer. The first three run on the thread that polls, inside librdkafka; they leave
/// their findings here and the poll hands them out as `KafkaConsumerEvent`s. The log
/// callback runs on librdkafka's threads and goes straight to `logHandler`.
final class ConsumerCallbackContext: Sendable {
  typealias StartOffsetProvider =
    @Sendable ([TopicPartition]) throws -> [TopicPartition:
    KafkaOffset]

  private struct State {
    var events: [KafkaConsumerEvent] = []
    var startOffsets: StartOffsetProvider?
    /// A failure to surface from the next poll (start-offset provider, assign).
    var pendingFailure: (any Error)?
  }

  private let state = Mutex(State())
  /// Set by a rebalance so that the poll in progress stops there. Atomic, not in `state`:
  /// the poll loop reads it once per record.
  private let rebalanced = Atomic<Bool>(false)
  let logHandler: (@Sendable (KafkaLogMessage) -> Void)?

  init(logHandler: (@Sendable (KafkaLogMessage) -> Void)? = nil) {
    self.logHandler = logHandler
  }

  var startOffsets: StartOffsetProvider? {
    get { state.withLock { $0.startOffsets } }
    set { state.withLock { $0.startOffsets = newValue } }
  }

  func record(_ event: KafkaConsumerEvent, isRebalance: Bool = false) {
    state.withLock { $0.events.append(event) }
    if isRebalance { rebalanced.store(true, ordering: .releasing) }
  }

  func fail(_ failure: any Error) {
    state.withLock { if $0.pendingFailure == nil { $0.pendingFailure = failure } }
  }

  /// Clears and returns whether a rebalance happened since the last call.
  func takeRebalanced() -> Bool {
    rebalanced.load(ordering: .acquiring)
      && rebalanced.exchange(false, ordering: .acquiringAndReleasing)
  }

  func takeEvents() -> [KafkaConsumerEvent] {
    state.withLock { state in
      defer { state.events = [] }
      return state.events
    }
  }

  func takeFailure() -> (any Error)? {
    state.withLock { state in
      defer { state.pendingFailure = nil }
      return state.pendingFailure
    }
  }
}
