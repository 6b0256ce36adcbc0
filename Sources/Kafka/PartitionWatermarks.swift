/// A partition's log range: `low` is the offset of the oldest record held (the log start),
/// `high` the offset the next produced record will get. A consumer positioned at `high`
/// has no lag.
public struct PartitionWatermarks: Sendable, Hashable {
  public let low: Int64
  public let high: Int64

  public init(low: Int64, high: Int64) {
    self.low = low
    self.high = high
  }

  /// Records currently held in the partition.
  public var count: Int64 { high - low }
}
