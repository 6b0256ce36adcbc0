import Synchronization

/// Whether the service is taking records: its stores are open and the consumer group has
/// assigned it partitions. The service sets it; `/readyz` reads it from another thread.
public final class ServiceReadiness: Sendable {
  private let storesOpen = Atomic<Bool>(false)
  private let assignedPartitions = Atomic<Int>(0)

  public init() {}

  func setStoresOpen(_ open: Bool) { storesOpen.store(open, ordering: .relaxed) }

  func setAssignedPartitions(_ count: Int) {
    assignedPartitions.store(count, ordering: .relaxed)
  }

  /// nil when ready, else what it waits for (the body of a 503 from `/readyz`).
  public var notReadyReason: String? {
    if !storesOpen.load(ordering: .relaxed) { return "the stores are not open" }
    if assignedPartitions.load(ordering: .relaxed) == 0 {
      return "no partitions are assigned (waiting for the broker or the consumer group)"
    }
    return nil
  }

  public var assignedPartitionCount: Int { assignedPartitions.load(ordering: .relaxed) }
}
