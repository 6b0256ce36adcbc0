import Foundation

/// The `_last_checkpoint` hint: the version (and part count) of the newest checkpoint.
struct LastCheckpoint: Codable, Equatable {
  var version: Int64
  /// Number of actions in the checkpoint.
  var size: Int64
  var parts: Int?
  var sizeInBytes: Int64?
  var numOfAddFiles: Int64?

  static let key = "_delta_log/" + LogFileName.lastCheckpoint

  static func read(logDirectory: URL) throws -> LastCheckpoint? {
    try read(LocalTableStorage(root: logDirectory.deletingLastPathComponent()))
  }

  static func read(_ storage: any TableStorage) throws -> LastCheckpoint? {
    guard let data = try storage.read(key) else { return nil }
    do {
      return try JSONDecoder().decode(LastCheckpoint.self, from: data)
    } catch {
      throw DeltaError.corruptLastCheckpoint(reason: "\(error)")
    }
  }

  /// Replaces `_last_checkpoint` atomically (rename), so readers see the old or the new hint.
  func write(logDirectory: URL) throws {
    try write(LocalTableStorage(root: logDirectory.deletingLastPathComponent()))
  }

  func write(_ storage: any TableStorage) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try storage.write(Self.key, try encoder.encode(self))
  }
}
