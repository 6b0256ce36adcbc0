import Dispatch
import Synchronization

/// Restarts librdkafka fetchers that stopped because the consumer's prefetch queue was full.
///
/// librdkafka 2.0.2 stops fetching a partition while the queue holds
/// `queued.max.messages.kbytes` and decides again only when the leader's broker thread
/// wakes: on a network event, a request to send, or at most a second later. A consumer that
/// drains the queue in a fraction of that second then waits for the rest of it (measured:
/// a fifth to a third of a backlog drain). Any request to the leader wakes that thread, so
/// a nudge asks each leader for one partition's watermarks. It runs on a queue of its own,
/// so the caller never waits for the round trip, and at most one nudge is in flight.
final class FetchNudger: Sendable {
  private struct State {
    var inFlight = false
    /// The partitions `representatives` was worked out for.
    var partitions: Set<TopicPartition> = []
    /// One partition per leader broker.
    var representatives: [TopicPartition] = []
    /// When `representatives` was worked out: leaders move, so it is redone now and then.
    var chosenAt = ContinuousClock.now
  }

  private let client: RdKafkaClient
  private let queue = DispatchQueue(label: "idemstream.kafka.fetch-nudger")
  private let state = Mutex(State())

  init(client: RdKafkaClient) {
    self.client = client
  }

  /// Wakes the leaders of `partitions`, unless a nudge is already on its way.
  func nudge(_ partitions: Set<TopicPartition>) {
    let start = state.withLock { state -> Bool in
      if state.inFlight { return false }
      state.inFlight = true
      return true
    }
    guard start else { return }
    queue.async { [self] in
      let targets = representatives(of: partitions)
      for partition in targets {
        _ = try? client.queryWatermarks(partition, timeout: .seconds(1))
      }
      state.withLock { $0.inFlight = false }
    }
  }

  /// Waits for a nudge in flight, so the client is not closed under it.
  func drain() {
    queue.sync {}
  }

  private func representatives(of partitions: Set<TopicPartition>) -> [TopicPartition] {
    let known = state.withLock { state in
      state.partitions == partitions && ContinuousClock.now - state.chosenAt < .seconds(30)
        ? state.representatives : nil
    }
    if let known { return known }
    // Without metadata, any partition still wakes the thread of its own leader.
    let leaders = (try? client.leaders(of: partitions, timeout: .seconds(1))) ?? [:]
    var byLeader: [Int32: TopicPartition] = [:]
    for partition in partitions.sorted() {
      let leader = leaders[partition] ?? -1
      if byLeader[leader] == nil { byLeader[leader] = partition }
    }
    let chosen = byLeader.values.sorted()
    state.withLock {
      $0.partitions = partitions
      $0.representatives = chosen
      $0.chosenAt = .now
    }
    return chosen
  }
}
