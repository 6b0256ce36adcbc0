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
  /// The remembered write, without the key (the dictionary key holds it).
  struct Slot: Sendable {
    var fingerprint: UInt64
    var offset: Int64
    var eventTimeMillis: Int64
    var partition: Int32
    var isPending: Bool
  }

  /// A change made by the current batch: the new entry and what it replaced (nil: nothing).
  struct PendingChange: Sendable {
    let key: DedupKey
    let replaced: Slot?
  }

  /// How far apart (in event time, milliseconds) two writes may be to count as the same.
  public let windowMillis: Int64
  private var slots: [DedupKey: Slot] = [:]
  private var pending: [PendingChange] = []

  public init(windowMillis: Int64) {
    self.windowMillis = windowMillis
  }

  /// Entries held, pending ones included.
  public var count: Int { slots.count }
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
    let existing = slots[key]
    if let existing {
      if existing.partition == partition && existing.offset == offset { return .alreadyHeld }
      if isWithinWindow(existing.eventTimeMillis, eventTimeMillis) {
        let position = DedupPosition(partition: existing.partition, offset: existing.offset)
        return existing.fingerprint == fingerprint ? .duplicate(position) : .conflict(position)
      }
    }
    slots[key] = Slot(
      fingerprint: fingerprint, offset: offset, eventTimeMillis: eventTimeMillis,
      partition: partition,
      isPending: true)
    pending.append(PendingChange(key: key, replaced: existing))
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
  /// the online store to persist in the same transaction as the batch.
  public mutating func commitPending() -> [DedupEntry] {
    var entries: [DedupEntry] = []
    entries.reserveCapacity(pending.count)
    for change in pending {
      guard var slot = slots[change.key], slot.isPending else { continue }
      slot.isPending = false
      slots[change.key] = slot
      entries.append(entry(change.key, slot))
    }
    pending.removeAll(keepingCapacity: true)
    return entries
  }

  /// Forgets everything accepted since the last commit (the batch failed), putting back any
  /// entry a pending one had replaced.
  public mutating func discardPending() {
    for change in pending.reversed() {
      if let replaced = change.replaced {
        slots[change.key] = replaced
      } else {
        slots[change.key] = nil
      }
    }
    pending.removeAll(keepingCapacity: true)
  }

  /// Drops committed entries whose event time is before `cutoffMillis` (the caller computes
  /// it, e.g. the greatest event time seen minus the window, so that it is replay-stable).
  /// Pending entries are kept. Returns how many were dropped.
  @discardableResult
  public mutating func prune(before cutoffMillis: Int64) -> Int {
    let before = slots.count
    slots = slots.filter { $0.value.isPending || $0.value.eventTimeMillis >= cutoffMillis }
    return before - slots.count
  }

  /// Adds persisted entries (start-up); a later entry for the same key replaces an earlier
  /// one. Loaded entries are committed, not pending.
  public mutating func load(_ entries: [DedupEntry]) {
    slots.reserveCapacity(slots.count + entries.count)
    for entry in entries {
      slots[entry.key] = Slot(
        fingerprint: entry.fingerprint, offset: entry.offset,
        eventTimeMillis: entry.eventTimeMillis,
        partition: entry.partition, isPending: false)
    }
  }

  /// The entry held for `key`, pending or not.
  public func entry(for key: DedupKey) -> DedupEntry? {
    slots[key].map { entry(key, $0) }
  }

  /// Every committed entry (for a full rewrite of the persisted table).
  public func committedEntries() -> [DedupEntry] {
    slots.compactMap { $0.value.isPending ? nil : entry($0.key, $0.value) }
  }

  private func entry(_ key: DedupKey, _ slot: Slot) -> DedupEntry {
    DedupEntry(
      keyHigh: key.high, keyLow: key.low, fingerprint: slot.fingerprint, partition: slot.partition,
      offset: slot.offset, eventTimeMillis: slot.eventTimeMillis)
  }
}
