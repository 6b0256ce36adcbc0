import Foundation

/// The state of a table at one version: schema, live files and app transactions.
///
/// Immutable; a later commit gives a new snapshot. Everything here comes from log replay, so
/// two snapshots of the same version are equal whichever way they were built.
public struct Snapshot: Sendable {
  public let tableURL: URL
  public let version: Int64
  public let tableProtocol: TableProtocol
  public let metadata: TableMetadata
  public let schema: DeltaSchema
  /// The live data files, in the order they were added.
  public let files: [AddFile]
  /// Every application's latest transaction, by app id.
  public let transactions: [String: AppTransaction]
  /// When the version was committed (the commit file's modification time).
  public let timestamp: Date
  /// The removed files the log still remembers (shared with the log replay's state, not
  /// copied: most snapshots never look at them).
  private let removedFiles: [String: RemoveFile]

  /// The removed files the log still remembers, by path: what a vacuum must keep while a
  /// version within the retention still reads them.
  public var tombstones: [RemoveFile] {
    removedFiles.keys.sorted().compactMap { removedFiles[$0] }
  }

  init(tableURL: URL, state: TableState, timestamp: Date) throws {
    guard let tableProtocol = state.tableProtocol, let metadata = state.metadata else {
      throw DeltaError.missingTableMetadata(version: state.version)
    }
    self.tableURL = tableURL
    self.version = state.version
    self.tableProtocol = tableProtocol
    self.metadata = metadata
    self.schema = try metadata.schema()
    self.files = state.orderedFiles
    self.transactions = state.transactions
    self.timestamp = timestamp
    self.removedFiles = state.tombstones
  }

  /// The version `appId` last committed, or nil if it never committed to this table.
  public func transactionVersion(appId: String) -> Int64? { transactions[appId]?.version }

  /// The absolute location of a live file.
  public func url(of file: AddFile) -> URL {
    let relative = file.relativeFilePath
    if relative.hasPrefix("file://"), let url = URL(string: file.path) { return url }
    if relative.hasPrefix("/") { return URL(fileURLWithPath: relative) }
    return tableURL.appendingPathComponent(relative)
  }

  /// Total rows in the live files, when every file has stats.
  public var rowCount: Int64? {
    var total: Int64 = 0
    for file in files {
      guard let stats = try? file.statistics() else { return nil }
      total += stats.numRecords
    }
    return total
  }
}
