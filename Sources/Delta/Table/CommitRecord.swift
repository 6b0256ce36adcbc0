import Foundation

/// One committed version and its actions, for callers that catch up incrementally (recovery
/// applies exactly the rows of the versions it has not seen).
public struct CommitRecord: Sendable {
  public let version: Int64
  public let actions: [DeltaAction]
  /// When the version was committed (the commit file's modification time).
  public let timestamp: Date

  /// Files added in this version.
  public var addedFiles: [AddFile] {
    actions.compactMap { if case .add(let file) = $0 { return file } else { return nil } }
  }

  /// Files removed in this version.
  public var removedFiles: [RemoveFile] {
    actions.compactMap { if case .remove(let file) = $0 { return file } else { return nil } }
  }

  /// App transactions set in this version.
  public var transactions: [AppTransaction] {
    actions.compactMap { if case .transaction(let txn) = $0 { return txn } else { return nil } }
  }

  /// The commitInfo object, if the writer recorded one.
  public var commitInfo: [String: JSONValue]? {
    for case .commitInfo(let info) in actions { return info }
    return nil
  }

  /// True when the version only rearranged files (compaction): no row was added or removed.
  public var isDataChange: Bool {
    addedFiles.contains { $0.dataChange } || removedFiles.contains { $0.dataChange }
  }
}
