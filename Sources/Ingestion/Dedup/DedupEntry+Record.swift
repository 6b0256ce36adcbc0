import OnlineStore

extension DedupEntry {
  /// The online store's persisted shape of this entry (its dedup log record).
  var record: DedupEntryRecord {
    DedupEntryRecord(
      keyHash: DedupKeyHash(high: keyHigh, low: keyLow), fingerprint: fingerprint,
      partition: partition, offset: offset, clockMillis: clockMillis, tableTag: tableTag)
  }

  init(_ record: DedupEntryRecord) {
    self.init(
      keyHigh: record.keyHash.high, keyLow: record.keyHash.low, fingerprint: record.fingerprint,
      partition: record.partition, offset: record.offset, clockMillis: record.clockMillis,
      tableTag: record.tableTag)
  }
}
