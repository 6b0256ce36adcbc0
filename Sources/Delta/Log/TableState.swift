/// The table as log replay builds it: apply each version's actions in order, and the live files,
/// app transactions, protocol and metadata are those of the last version applied.
struct TableState: Sendable {
  var version: Int64 = -1
  var tableProtocol: TableProtocol?
  var metadata: TableMetadata?
  var transactions: [String: AppTransaction] = [:]
  /// Live files by path, with the order they were added in (stable file order for readers).
  private(set) var files: [String: (order: Int, file: AddFile)] = [:]
  /// Removed files, kept so checkpoints can carry unexpired tombstones for vacuum.
  private(set) var tombstones: [String: RemoveFile] = [:]
  private var nextOrder = 0

  /// Applies one version's actions (a commit or a whole checkpoint).
  mutating func apply(_ actions: [DeltaAction], version: Int64) {
    for action in actions {
      switch action {
      case .add(let add):
        files[add.path] = (nextOrder, add)
        tombstones[add.path] = nil
        nextOrder += 1
      case .remove(let remove):
        files[remove.path] = nil
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
    self.version = version
  }

  /// Live files in the order they were added.
  var orderedFiles: [AddFile] {
    files.values.sorted { $0.order < $1.order }.map(\.file)
  }
}
