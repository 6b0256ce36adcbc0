/// What the dedup index remembers of one accepted write, in the plain shape the online store
/// persists (its `dedup` table) and hands back to `DedupIndex.load` at start-up.
public struct DedupEntry: Sendable, Hashable {
  /// `DedupKey.high` and `DedupKey.low`.
  public var keyHigh: UInt64
  public var keyLow: UInt64
  /// `FeatureWrite.contentFingerprint` of the accepted write.
  public var fingerprint: UInt64
  /// Kafka position of the accepted record.
  public var partition: Int32
  public var offset: Int64
  /// The log clock of its partition at the accepted record, in milliseconds.
  public var clockMillis: Int64

  public init(
    keyHigh: UInt64, keyLow: UInt64, fingerprint: UInt64, partition: Int32, offset: Int64,
    clockMillis: Int64
  ) {
    self.keyHigh = keyHigh
    self.keyLow = keyLow
    self.fingerprint = fingerprint
    self.partition = partition
    self.offset = offset
    self.clockMillis = clockMillis
  }

  public var key: DedupKey { DedupKey(high: keyHigh, low: keyLow) }
}
