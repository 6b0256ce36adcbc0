/// A partition's log clock: the time the dedup window is measured in.
///
/// At a record it is the greatest Kafka timestamp of the partition's records up to and
/// including it, where one record moves it forward by at most `dedup.max_clock_step`. It is
/// a function of the partition's records alone, so every run, restart and replay that reads
/// them computes the same clock at the same record.
///
/// Why not the event time, or the wall clock: the wall clock differs between a run and its
/// replay, and event times belong to the producer's domain — one group's event times may run
/// days ahead of another's, or a single write may be dated 9999-12-31 — so a window on them
/// let one write make the service forget every other. Kafka timestamps of one partition are
/// close to monotonic, and the step bound keeps one broken producer clock from wiping the
/// partition's memory.
enum LogClock {
  /// The clock of a partition none of whose records carried a timestamp yet.
  static let unset = Int64.min

  /// The clock after a record stamped `timestampMillis` (nil or negative: the record has
  /// none, and the clock stays), given the clock `clock` before it.
  @inline(__always)
  static func advanced(_ clock: Int64, by timestampMillis: Int64?, maxStepMillis: Int64) -> Int64 {
    guard let timestampMillis, timestampMillis >= 0 else { return clock }
    guard clock != unset else { return timestampMillis }
    guard timestampMillis > clock else { return clock }
    let (limit, overflow) = clock.addingReportingOverflow(maxStepMillis)
    return overflow ? timestampMillis : min(timestampMillis, limit)
  }
}
