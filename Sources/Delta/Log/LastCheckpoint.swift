import Foundation

/// The `_last_checkpoint` hint: the version (and part count) of the newest checkpoint.
struct LastCheckpoint: Codable, Equatable {
  var version: Int64
  /// Number of actions in the checkpoint.
  var size: Int64
  var parts: Int?
  var sizeInBytes: Int64?
  var numOfAddFiles: Int64?

  static func read(logDirectory: URL) throws -> LastCheckpoint? {
    let url = logDirectory.appendingPathComponent(LogFileName.lastCheckpoint)
    guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
    do {
      return try JSONDecoder().decode(LastCheckpoint.self, from: data)
    } catch {
      throw DeltaError.corruptLastCheckpoint(reason: "\(error)")
    }
  }

  /// Replaces `_last_checkpoint` atomically (rename), so readers see the old or the new hint.
  func write(logDirectory: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = try encoder.encode(self)
    let url = logDirectory.appendingPathComponent(LogFileName.lastCheckpoint)
    do {
      try data.write(to: url, options: .atomic)
    } catch {
      throw DeltaError.io(path: url.path, reason: "\(error)")
    }
  }
}
