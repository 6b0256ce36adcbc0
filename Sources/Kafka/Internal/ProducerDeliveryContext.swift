import Synchronization

/// What librdkafka's delivery-report callback shares with the producer: counts of records
/// delivered and failed since the last `flush`, the first failure, and the user's handler.
final class ProducerDeliveryContext: Sendable {
  struct Tally {
    var delivered = 0
    var failed = 0
    var firstFailure: KafkaError?
  }

  let handler: (@Sendable (KafkaDeliveryReport) -> Void)?
  private let tally = Mutex(Tally())

  init(handler: (@Sendable (KafkaDeliveryReport) -> Void)?) {
    self.handler = handler
  }

  func recordDelivery(failure: KafkaError?) {
    tally.withLock { tally in
      if let failure {
        tally.failed += 1
        if tally.firstFailure == nil { tally.firstFailure = failure }
      } else {
        tally.delivered += 1
      }
    }
  }

  /// Returns the tally so far and starts a new one.
  func takeTally() -> Tally {
    tally.withLock { tally in
      defer { tally = Tally() }
      return tally
    }
  }
}

/// A `sendAndWait` caller waiting for its record's delivery report. Passed to librdkafka as
/// the message opaque (retained), and released by the delivery callback.
final class DeliveryWaiter: Sendable {
  let continuation: CheckedContinuation<KafkaDeliveryReport, any Error>

  init(_ continuation: CheckedContinuation<KafkaDeliveryReport, any Error>) {
    self.continuation = continuation
  }
}
