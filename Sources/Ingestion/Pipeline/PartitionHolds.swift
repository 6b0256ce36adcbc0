/// What the stores held of one partition when the decider started, as it checks each record
/// against it: taken from `RecordDecider`'s dictionaries once per partition, not per record.
/// Plain values only (the offline tables' offsets are in the decider's `tablePositions`), so
/// that handing it out per record costs no reference counting.
struct PartitionHolds {
  /// The online store's position; -1 when it holds nothing of the partition.
  let online: Int64
  /// The last offset the dead-letter table took; nil: none.
  let deadLetters: Int64?
  /// Where this partition's offsets per feature group's offline table start in
  /// `RecordDecider.tablePositions`.
  let firstTable: Int
  /// The partition's slot in `RecordDecider`'s log clocks.
  let clock: Int

  /// Whether the dead-letter table already took the record at `offset`.
  func deadLettersHold(offset: Int64) -> Bool {
    guard let taken = deadLetters else { return false }
    return offset <= taken
  }
}
