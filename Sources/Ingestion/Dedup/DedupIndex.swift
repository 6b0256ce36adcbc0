/// The in-memory index of accepted idempotency keys, deciding for each record whether it is
/// new, a re-read, a duplicate or a conflict, in a way that comes out the same on replay.
///
/// Decisions only look at the record (key, content fingerprint, position, event time) and at
/// entries of earlier accepted records, never at the wall clock: the window compares event
/// times, so replaying a topic meets the same verdicts.
///
/// Entries accepted during a batch stay *pending* until `commitPending()` (after both stores
/// committed) or `discardPending()` (the batch failed), which restores the index exactly as
/// it was before the batch.
public struct DedupIndex: Sendable {
  /// A change made by the current batch: the key accepted, the slot it replaced (nil: the
  /// key was absent), and the table entry that holds it, so that committing it needs no
  /// second probe of the table (by then, a batch later, out of the cache). Kept current by
  /// `prune`, the one change that renumbers entries while some are pending.
  struct PendingChange: Sendable {
    let key: DedupKey
    let replaced: DedupTable.Slot?
    var entry: Int
  }

  /// How far apart (in event time, milliseconds) two writes may be to count as the same.
  public let windowMillis: Int64
  private var table = DedupTable()
  private var pending: [PendingChange] = []

  public init(windowMillis: Int64) {
    self.windowMillis = windowMillis
  }

  /// Entries held, pending ones included.
  public var count: Int { table.count }
  /// Entries accepted since the last commit or discard.
  public var pendingCount: Int { pending.count }

  /// Decides on `write`, read at (`partition`, `offset`); an accepted write is recorded as
  /// pending.
  public mutating func decide(_ write: FeatureWrite, partition: Int32, offset: Int64)
    -> DedupDecision
  {
    decide(
      key: DedupKey(write), fingerprint: write.contentFingerprint,
      eventTimeMillis: write.eventTimeMillis,
      partition: partition, offset: offset)
  }

  /// Decides on a write given by its parts (for callers that computed the key already).
  public mutating func decide(
    key: DedupKey, fingerprint: UInt64, eventTimeMillis: Int64, partition: Int32, offset: Int64
  ) -> DedupDecision {
    let (existing, number, bucket) = table.locate(key)
    if let existing {
      if existing.partition == partition && existing.offset == offset { return .alreadyHeld }
      if isWithinWindow(existing.eventTimeMillis, eventTimeMillis) {
        let position = DedupPosition(partition: existing.partition, offset: existing.offset)
        return existing.fingerprint == fingerprint ? .duplicate(position) : .conflict(position)
      }
    }
    let accepted = DedupTable.Slot(
      keyHigh: key.high, keyLow: key.low, fingerprint: fingerprint, offset: offset,
      eventTimeMillis: eventTimeMillis, partition: partition, state: .pending)
    let entry: Int
    if let number {
      table.replace(entry: number, with: accepted)
      entry = number
    } else {
      entry = table.insert(accepted, absentAt: bucket)
    }
    pending.append(PendingChange(key: key, replaced: existing, entry: entry))
    return .accepted
  }

  /// |a − b| ≤ window, without overflow for any pair of Int64 times.
  @inline(__always)
  func isWithinWindow(_ a: Int64, _ b: Int64) -> Bool {
    let (difference, overflow) = a.subtractingReportingOverflow(b)
    guard !overflow else { return false }
    return difference.magnitude <= UInt64(clamping: windowMillis)
  }

  /// Makes the pending entries durable (in memory) and returns them, in acceptance order, for
  /// the online store to persist in the same transaction as the batch. A key accepted twice
  /// in one batch (the second time outside the window of the first) is returned once, with
  /// its latest entry; persisted entries replace earlier ones for the same key on `load`.
  public mutating func commitPending() -> [DedupEntry] {
    var entries: [DedupEntry] = []
    entries.reserveCapacity(pending.count)
    for change in pending {
      guard let slot = table.commitPending(entry: change.entry, key: change.key) else { continue }
      entries.append(DedupIndex.entry(slot))
    }
    pending.removeAll(keepingCapacity: true)
    return entries
  }

  /// Forgets everything accepted since the last commit (the batch failed), putting back any
  /// entry a pending one had replaced.
  public mutating func discardPending() {
    for change in pending.reversed() {
      if let replaced = change.replaced {
        table.put(replaced)
      } else {
        table.remove(change.key)
      }
    }
    pending.removeAll(keepingCapacity: true)
  }

  /// Drops committed entries whose event time is before `cutoffMillis` (the caller computes
  /// it, e.g. the greatest event time seen minus the window, so that it is replay-stable).
  /// Pending entries are kept. Returns how many were dropped.
  @discardableResult
  public mutating func prune(before cutoffMillis: Int64) -> Int {
    // Nothing that old: no rebuild (this runs every 100 commits on the decide thread).
    guard cutoffMillis > table.eventTimeLowerBound else { return 0 }
    let before = table.count
    table.filter { $0.state == .pending || $0.eventTimeMillis >= cutoffMillis }
    // The rebuilt table numbers its entries anew; every pending key is still in it.
    for index in pending.indices {
      pending[index].entry = table.locate(pending[index].key).entry ?? -1
    }
    return before - table.count
  }

  /// Adds persisted entries (start-up); a later entry for the same key replaces an earlier
  /// one. Loaded entries are committed, not pending.
  public mutating func load(_ entries: [DedupEntry]) {
    table.reserve(table.count + entries.count)
    for entry in entries {
      table.put(
        DedupTable.Slot(
          keyHigh: entry.keyHigh, keyLow: entry.keyLow, fingerprint: entry.fingerprint,
          offset: entry.offset,
          eventTimeMillis: entry.eventTimeMillis, partition: entry.partition, state: .committed))
    }
  }

  /// The entry held for `key`, pending or not.
  public func entry(for key: DedupKey) -> DedupEntry? {
    table.find(key).map(DedupIndex.entry)
  }

  /// Every committed entry (for a full rewrite of the persisted log).
  public func committedEntries() -> [DedupEntry] {
    table.slots.compactMap { $0.state == .committed ? DedupIndex.entry($0) : nil }
  }

  private static func entry(_ slot: DedupTable.Slot) -> DedupEntry {
    DedupEntry(
      keyHigh: slot.keyHigh, keyLow: slot.keyLow, fingerprint: slot.fingerprint,
      partition: slot.partition,
      offset: slot.offset, eventTimeMillis: slot.eventTimeMillis)
  }
}
