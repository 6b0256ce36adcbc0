/// The table as log replay builds it: apply each version's actions in order, and the live files,
/// app transactions, protocol and metadata are those of the last version applied.
struct TableState: Sendable {
  var version: Int64 = -1
  var tableProtocol: TableProtocol?
  var metadata: TableMetadata?
  var transactions: [String: AppTransaction] = [:]
  /// Live files in the order they were added; removed files leave a nil slot until the slots
  /// are compacted. Keeping insertion order this way gives readers a stable file order
  /// without sorting on every snapshot.
  private var slots: [AddFile?] = []
  /// Path → index in `slots`, for live files.
  private var slotByPath: [String: Int] = [:]
  /// Removed files, kept so checkpoints can carry unexpired tombstones for vacuum.
  private(set) var tombstones: [String: RemoveFile] = [:]

  /// Applies one version's actions (a commit or a whole checkpoint).
  mutating func apply(_ actions: [DeltaAction], version: Int64) {
    if actions.count > 64 {
      slots.reserveCapacity(slots.count + actions.count)
      slotByPath.reserveCapacity(slotByPath.count + actions.count)
    }
    for action in actions {
      switch action {
      case .add(let add):
        if let slot = slotByPath[add.path] { slots[slot] = nil }
        slotByPath[add.path] = slots.count
        slots.append(add)
        if !tombstones.isEmpty { tombstones[add.path] = nil }
      case .remove(let remove):
        if let slot = slotByPath.removeValue(forKey: remove.path) { slots[slot] = nil }
        tombstones[remove.path] = remove
      case .metadata(let value):
        metadata = value
      case .tableProtocol(let value):
        tableProtocol = value
      case .transaction(let txn):
        transactions[txn.appId] = txn
      case .commitInfo:
        continue
      }
    }
    if slots.count > 1024, slotByPath.count < slots.count / 2 { compactSlots() }
    self.version = version
  }

  /// Live files in the order they were added.
  var orderedFiles: [AddFile] { slots.compactMap { $0 } }

  /// Number of live files.
  var fileCount: Int { slotByPath.count }

  private mutating func compactSlots() {
    slots = slots.filter { $0 != nil }
    slotByPath.removeAll(keepingCapacity: true)
    for (index, file) in slots.enumerated() {
      if let file { slotByPath[file.path] = index }
    }
  }
}
