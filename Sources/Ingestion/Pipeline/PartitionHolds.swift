/// What the stores held of one partition when the decider started, as it checks each record
/// against it: taken from `RecordDecider`'s dictionaries once per partition, not per record.
struct PartitionHolds {
  /// The online store's position; -1 when it holds nothing of the partition.
  let online: Int64
  /// Per feature group (by index), the last offset its offline table took; nil: none.
  let tables: [Int64?]
  /// The last offset the dead-letter table took; nil: none.
  let deadLetters: Int64?

  /// Whether the offline table of group `group` already took the record at `offset`.
  @inline(__always)
  func tableHolds(_ group: Int, offset: Int64) -> Bool {
    guard let taken = tables[group] else { return false }
    return offset <= taken
  }

  /// Whether the dead-letter table already took the record at `offset`.
  func deadLettersHold(offset: Int64) -> Bool {
    guard let taken = deadLetters else { return false }
    return offset <= taken
  }
}
