/// Per group, how many writes of a batch were applied and how many were stale.
public struct OnlineGroupCounts: Sendable, Hashable {
  /// Writes greater than everything the entity held when they were processed.
  public var applied: Int
  /// Writes not greater than the entity's stored row or tombstone, or than an earlier write
  /// of the same batch: counted, not applied (contract section 4).
  public var stale: Int
  /// Writes of an entity whose greatest write so far came from another partition: the
  /// producers do not key by entity, and last-write-wins for it depends on which partition
  /// is consumed first (contract section 4).
  public var partitionViolations: Int
  /// The keys of the first such entities of the batch (at most `violatingKeysKept`), for
  /// the service to log.
  public var violatingKeys: [[OnlineValue]]
  public static let violatingKeysKept = 16

  public init(
    applied: Int = 0, stale: Int = 0, partitionViolations: Int = 0,
    violatingKeys: [[OnlineValue]] = []
  ) {
    self.applied = applied
    self.stale = stale
    self.partitionViolations = partitionViolations
    self.violatingKeys = violatingKeys
  }
}

/// What `OnlineStore.apply` did, per feature group of the batch.
public struct OnlineApplyResult: Sendable, Hashable {
  public var groups: [String: OnlineGroupCounts]

  public init(groups: [String: OnlineGroupCounts] = [:]) {
    self.groups = groups
  }

  public subscript(group: String) -> OnlineGroupCounts {
    groups[group] ?? OnlineGroupCounts()
  }

  public var totalApplied: Int { groups.values.reduce(0) { $0 + $1.applied } }
  public var totalStale: Int { groups.values.reduce(0) { $0 + $1.stale } }
}
