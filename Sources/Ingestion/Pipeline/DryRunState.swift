import OnlineStore

/// What a dry run needs to count stale writes without touching the online store: the
/// greatest order seen per entity, seeded from what the store holds (row or tombstone) as
/// each entity is first met.
struct DryRunState {
  private var orders: [String: [[OnlineValue]: OnlineWriteOrder]] = [:]

  mutating func staleCount(_ writes: [OnlineWrite], group: FeatureGroup, store: SQLiteOnlineStore)
    throws -> Int
  {
    var stale = 0
    for write in writes {
      var current = orders[group.name]?[write.key]
      // A tombstone counts as much as a row: a write older than it is stale.
      if current == nil { current = try store.storedOrder(group: group.name, key: write.key) }
      if let current, !(current < write.order) {
        stale += 1
        continue
      }
      orders[group.name, default: [:]][write.key] = write.order
    }
    return stale
  }
}
