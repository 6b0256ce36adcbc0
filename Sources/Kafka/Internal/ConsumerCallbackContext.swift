import Synchronization

/// What librdkafka's consumer callbacks (rebalance, commit, error) share with the consumer.
/// The callbacks run on the thread that polls, inside librdkafka; they leave their findings
/// here and the poll hands them out as `KafkaConsumerEvent`s.
final class ConsumerCallbackContext: Sendable {
  typealias StartOffsetProvider = @Sendable ([TopicPartition]) throws -> [TopicPartition:
    KafkaOffset]

  private struct State {
    var events: [KafkaConsumerEvent] = []
    var startOffsets: StartOffsetProvider?
    /// A failure to surface from the next poll (start-offset provider, assign).
    var pendingFailure: (any Error)?
    /// Set by a rebalance so that the poll in progress stops there.
    var rebalanced = false
  }

  private let state = Mutex(State())

  var startOffsets: StartOffsetProvider? {
    get { state.withLock { $0.startOffsets } }
    set { state.withLock { $0.startOffsets = newValue } }
  }

  func record(_ event: KafkaConsumerEvent, isRebalance: Bool = false) {
    state.withLock {
      $0.events.append(event)
      if isRebalance { $0.rebalanced = true }
    }
  }

  func fail(_ failure: any Error) {
    state.withLock { if $0.pendingFailure == nil { $0.pendingFailure = failure } }
  }

  /// Clears and returns whether a rebalance happened since the last call.
  func takeRebalanced() -> Bool {
    state.withLock { state in
      defer { state.rebalanced = false }
      return state.rebalanced
    }
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
