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
  /// The tag of the table (group version) that accepted it (`tableTag(of:)`), by whose
  /// clock it is forgotten; `DedupEntryRecord.unknownTable` for an entry of an older log.
  public var tableTag: UInt16

  public init(
    keyHigh: UInt64, keyLow: UInt64, fingerprint: UInt64, partition: Int32, offset: Int64,
    clockMillis: Int64, tableTag: UInt16
  ) {
    self.keyHigh = keyHigh
    self.keyLow = keyLow
    self.fingerprint = fingerprint
    self.partition = partition
    self.offset = offset
    self.clockMillis = clockMillis
    self.tableTag = tableTag
  }

  public var key: DedupKey { DedupKey(high: keyHigh, low: keyLow) }

  /// The 16-bit tag of the table named `tableName`: never `DedupEntryRecord.unknownTable`,
  /// the same on every machine and run. Two tables may share a tag; their entries are then
  /// forgotten by the lesser of their clocks, later than need be but never too early.
  public static func tableTag(of tableName: String) -> UInt16 {
    UInt16(truncatingIfNeeded: XXHash64.hash(Array(tableName.utf8)) % 65_535) + 1
  }
}
