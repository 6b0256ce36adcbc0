/// The in-memory index of accepted writes, deciding for each write whether it is new, a
/// duplicate or a conflict, by the contract's rules alone (DESIGN.md, "Why every decision
/// is deterministic").
///
/// A key is a write's scope in one partition (`DedupKey`), and the window is measured on
/// that partition's log clock (`LogClock`): an accepted write W is remembered for a later
/// write R while `clock(R) - clock(W) <= window`. The clock never goes back, so once W is
/// forgotten it is forgotten for every later record of its partition; a write accepted
/// under the same key is therefore only ever accepted when the earlier one is forgotten,
/// and one entry per key — the latest — holds everything a later decision can use. An
/// index that kept every accepted write would decide exactly the same, at the cost of
/// memory.
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

  /// How long an accepted write is remembered, in milliseconds of its partition's log clock.
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

  /// Decides on `write`, of group version `version`, read at (`topic`, `partition`,
  /// `offset`) when the partition's log clock stood at `clockMillis`; an accepted write is
  /// recorded as pending.
  public mutating func decide(
    _ write: FeatureWrite, version: Int, topic: String, partition: Int32, offset: Int64,
    clockMillis: Int64
  ) -> DedupDecision {
    decide(
      key: DedupKey(write, version: version, topic: topic, partition: partition),
      fingerprint: write.contentFingerprint, clockMillis: clockMillis,
      partition: partition, offset: offset,
      tableTag: DedupEntry.tableTag(of: "\(write.groupName)_v\(version)"))
  }

  /// Decides on a write given by its parts (for callers that computed the key already),
  /// for the table tagged `tableTag` (`DedupEntry.tableTag(of:)`).
  public mutating func decide(
    key: DedupKey, fingerprint: UInt64, clockMillis: Int64, partition: Int32, offset: Int64,
    tableTag: UInt16
  ) -> DedupDecision {
    let (existing, number, bucket) = table.locate(key)
    if let existing, isRemembered(acceptedAt: existing.clockMillis, at: clockMillis) {
      let position = DedupPosition(partition: existing.partition, offset: existing.offset)
      return existing.fingerprint == fingerprint ? .duplicate(position) : .conflict(position)
    }
    let accepted = DedupTable.Slot(
      keyHigh: key.high, keyLow: key.low, fingerprint: fingerprint, offset: offset,
      clockMillis: clockMillis, partition: partition, tableTag: tableTag, state: .pending)
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

  /// Whether a write accepted when its partition's clock stood at `accepted` is remembered
  /// by a record at clock `now`: `now - accepted <= window`, without overflow. A clock
  /// never seen to move (`LogClock.unset`) is remembered only by records at the same
  /// unset clock.
  @inline(__always)
  func isRemembered(acceptedAt accepted: Int64, at now: Int64) -> Bool {
    Self.isRemembered(acceptedAt: accepted, at: now, window: windowMillis)
  }

  @inline(__always)
  static func isRemembered(acceptedAt accepted: Int64, at now: Int64, window: Int64) -> Bool {
    let (elapsed, overflow) = now.subtractingReportingOverflow(accepted)
    return !overflow && elapsed <= window
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

  /// Drops committed entries that no later record can remember: those whose clock floor
  /// (`floors`: the least clock of their own table in their partition number, in any
  /// topic) is more than a window past their own clock. Clocks never go back, so no
  /// decision changes whether this runs or not; an entry without a floor is kept. Pending
  /// entries are kept. Returns how many were dropped.
  @discardableResult
  public mutating func prune(floors: DedupClockFloors) -> Int {
    // Nothing that old: no rebuild.
    guard let highest = floors.highest,
      !isRemembered(acceptedAt: table.clockLowerBound, at: highest)
    else { return 0 }
    let before = table.count
    let window = windowMillis
    table.filter { slot in
      guard slot.state == .committed,
        let floor = floors.floor(tableTag: slot.tableTag, partition: slot.partition)
      else { return true }
      return Self.isRemembered(acceptedAt: slot.clockMillis, at: floor, window: window)
    }
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
          clockMillis: entry.clockMillis, partition: entry.partition, tableTag: entry.tableTag,
          state: .committed))
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
      offset: slot.offset, clockMillis: slot.clockMillis, tableTag: slot.tableTag)
  }
}
