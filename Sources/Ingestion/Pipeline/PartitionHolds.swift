/// What the stores held of one partition when the decider started, as it checks each record
/// against it: taken from `RecordDecider`'s dictionaries once per partition, not per record.
/// Plain values only (the offline tables' offsets are in the decider's `tablePositions`), so
/// that handing it out per record costs no reference counting.
struct PartitionHolds {
  /// The least online position over the config's tables: every table decided the records
  /// up to it (-1: some table holds nothing of the partition).
  let everyTable: Int64
  /// The last offset the dead-letter table took; nil: none.
  let deadLetters: Int64?
  /// Where this partition's positions per feature group's table start in
  /// `RecordDecider.tablePositions` and `onlineTablePositions`.
  let firstTable: Int
  /// Where this partition's log clocks per feature group's table start in
  /// `RecordDecider.clocks`.
  let firstClock: Int

  /// Whether the dead-letter table already took the record at `offset`.
  func deadLettersHold(offset: Int64) -> Bool {
    guard let taken = deadLetters else { return false }
    return offset <= taken
  }
}
