/// What one group's table holds for the entities it has met lately: the order of each one's
/// greatest write (row or tombstone), or that it holds nothing for it.
///
/// Last-write-wins needs the stored order of every entity a batch touches. Read from SQLite
/// that is one B-tree descent per entity per batch, a quarter of the apply; remembered here
/// a steady stream of batches over the same entities reads SQLite only for new ones.
///
/// It must never disagree with the table. So it is only filled from what SQLite returned or
/// what a committed transaction wrote, it is emptied on any other change to the table
/// (repairs, tombstone purges, a failed transaction), and `SQLiteOnlineStore` empties it when
/// `PRAGMA data_version` says another connection has committed. It forgets everything when
/// it reaches `capacity` entities, which bounds its memory (about 70 bytes per entity).
struct EntityOrderCache {
  /// What the table holds for one entity: nil for nothing.
  typealias Stored = OnlineWriteOrder?

  let capacity: Int
  private var slots: EntitySlots
  /// Per slot: what the table holds, or nil while not yet known.
  private var stored: [Stored?] = []

  init(capacity: Int = 1 << 19) {
    self.capacity = capacity
    self.slots = EntitySlots(expectedCount: 1024)
  }

  var count: Int { stored.count }

  /// Empties the cache when `newEntities` more would take it past `capacity`; called before
  /// a batch, so that slots handed out during the batch stay valid to its end.
  mutating func makeRoom(for newEntities: Int) {
    if count + newEntities > capacity { removeAll() }
  }

  /// The slot of `key` and what the table holds for it, when known (nil: read it, then
  /// `set` the slot).
  mutating func entry(for key: [OnlineValue]) -> (slot: Int, stored: Stored?) {
    let slot = slots.slot(for: key)
    if slot == stored.count { stored.append(nil) }
    return (slot, stored[slot])
  }

  /// Like `entry(for:)`, for the key of `reader`'s row `row`, read without a copy.
  mutating func entry(forKeyOf row: Int, in reader: OnlineRowReader) -> (
    slot: Int, stored: Stored?
  ) {
    let slot = slots.slot(encodedBy: { reader.encodeKey(row, into: &$0) })
    if slot == stored.count { stored.append(nil) }
    return (slot, stored[slot])
  }

  /// See `EntitySlots.sortKey`.
  func sortKey(_ slot: Int) -> UInt64 { slots.sortKey(slot) }

  /// Whether `a`'s entity sorts before `b`'s in the table (see `EntitySlots.precedes`).
  func precedes(_ a: Int, _ b: Int) -> Bool { slots.precedes(a, b) }

  /// Records what the table holds for the entity of `slot` (read from it, or committed).
  mutating func set(_ slot: Int, _ order: Stored) {
    stored[slot] = .some(order)
  }

  /// Empties the cache when the database's `PRAGMA data_version` moved since the last
  /// check: another connection committed, and may have changed this table.
  mutating func check(dataVersion: String?) {
    if dataVersion != self.dataVersion { removeAll() }
    self.dataVersion = dataVersion
  }

  private var dataVersion: String?

  mutating func removeAll() {
    slots = EntitySlots(expectedCount: 1024)
    stored = []
  }
}
