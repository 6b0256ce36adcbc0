import Foundation

extension SQLiteOnlineStore {
  /// A read-only connection to `directory/online.db`, also where nothing may be written.
  ///
  /// SQLite reads a WAL database only with its `-shm` index beside it, which it creates when
  /// missing. In a read-only directory (a backup mounted read-only, a copy without write
  /// permission) it cannot, and a copy taken after a clean stop has none: the open fails.
  /// Then, if no write-ahead log holds commits, `online.db` alone is the whole database and
  /// is opened as immutable (nobody can change it there either); a log that holds commits
  /// is named in the error, since reading the file without it would show an older state.
  static func readOnlyConnection(directory: String) throws -> SQLiteConnection {
    let path = directory + "/online.db"
    let files = FileManager.default
    guard !files.isWritableFile(atPath: directory), !files.fileExists(atPath: path + "-shm") else {
      return try SQLiteConnection(path: path, readOnly: true)
    }
    let logBytes = (try? files.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
    guard logBytes == 0 else { throw OnlineStoreError.unreadableLog(path: path + "-wal") }
    return try SQLiteConnection(path: path, readOnly: true, immutable: true)
  }
}
