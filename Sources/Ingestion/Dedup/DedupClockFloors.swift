import OnlineStore

/// What the dedup index may forget by (`DedupIndex.prune`): per table tag and partition
/// number, the least log clock that a table of that tag stands at in that partition, over
/// every topic; and per partition the least over every table, for entries whose table is
/// unknown (written by a version before entries named their table).
///
/// Per table, not per partition alone: a group out of the config stands still while the
/// others' clocks run on. Were its entries forgotten by their clocks, a re-send decided
/// when it comes back would be accepted again, where a run in which it never left calls it
/// a duplicate. A table that has no clock yet (`LogClock.unset`, the least value) keeps
/// everything of its tag.
public struct DedupClockFloors: Sendable, Equatable {
  private var byTable: [UInt64: Int64] = [:]
  private var anyTable: [Int32: Int64] = [:]

  public init() {}

  /// Counts in a table of tag `tableTag` standing at `clockMillis` in `partition`.
  public mutating func add(tableTag: UInt16, partition: Int32, clockMillis: Int64) {
    let key = Self.key(tableTag, partition)
    byTable[key] = min(byTable[key] ?? .max, clockMillis)
    anyTable[partition] = min(anyTable[partition] ?? .max, clockMillis)
  }

  /// The floor for an entry of `tableTag` in `partition`; nil keeps the entry.
  public func floor(tableTag: UInt16, partition: Int32) -> Int64? {
    tableTag == DedupEntryRecord.unknownTable
      ? anyTable[partition] : byTable[Self.key(tableTag, partition)]
  }

  /// The greatest floor: no entry with a clock a window before it can be forgotten.
  var highest: Int64? { byTable.values.max() }

  private static func key(_ tableTag: UInt16, _ partition: Int32) -> UInt64 {
    UInt64(tableTag) << 32 | UInt64(UInt32(bitPattern: partition))
  }
}
