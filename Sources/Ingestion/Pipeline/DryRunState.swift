import OnlineStore

/// What a dry run needs to count stale writes without touching the online store: the
/// greatest order seen per entity, seeded from what the store holds (row or tombstone) as
/// each entity is first met.
struct DryRunState {
  private var orders: [String: [[OnlineValue]: OnlineWriteOrder]] = [:]

  mutating func staleCount(
    _ writes: some OnlineWriteColumns, group: FeatureGroup, store: any OnlineStore
  ) throws -> Int {
    var stale = 0
    var key: [OnlineValue] = []
    for row in 0..<writes.count {
      writes.key(at: row, into: &key)
      let order = writes.order(at: row)
      var current = orders[group.name]?[key]
      // A tombstone counts as much as a row: a write older than it is stale.
      if current == nil { current = try store.storedOrder(group: group.name, key: key) }
      if order.isStale(against: current) {
        stale += 1
        continue
      }
      orders[group.name, default: [:]][key] = order
    }
    return stale
  }
}
