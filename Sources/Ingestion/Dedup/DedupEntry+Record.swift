import OnlineStore

extension DedupEntry {
  /// The online store's persisted shape of this entry (its dedup log record).
  var record: DedupEntryRecord {
    DedupEntryRecord(
      keyHash: DedupKeyHash(high: keyHigh, low: keyLow), fingerprint: fingerprint,
      partition: partition, offset: offset, eventTimeMillis: eventTimeMillis)
  }

  init(_ record: DedupEntryRecord) {
    self.init(
      keyHigh: record.keyHash.high, keyLow: record.keyHash.low, fingerprint: record.fingerprint,
      partition: record.partition, offset: record.offset, eventTimeMillis: record.eventTimeMillis)
  }

  /// The entry an accepted write leaves, read back from the offline table by the catch-up.
  init(accepted write: FeatureWrite, partition: Int32, offset: Int64) {
    let key = DedupKey(write)
    self.init(
      keyHigh: key.high, keyLow: key.low, fingerprint: write.contentFingerprint,
      partition: partition, offset: offset, eventTimeMillis: write.eventTimeMillis)
  }
}
