import CSQLite
import Foundation

extension SQLiteConnection {
  /// How a checkpoint treats the writer and the readers (`PRAGMA wal_checkpoint`).
  enum CheckpointMode {
    /// Copies what it can, waiting for no one.
    case passive
    /// Holds writers off, copies every frame and waits for readers to leave the log, so
    /// that the next writer starts the log over from its first frame.
    case restart

    var sql: String {
      switch self {
      case .passive: "PRAGMA wal_checkpoint(PASSIVE)"
      case .restart: "PRAGMA wal_checkpoint(RESTART)"
      }
    }
  }

  /// What a checkpoint saw: the frames in the log; `busy` when a writer or reader kept it
  /// from finishing (not an error).
  struct CheckpointResult {
    var busy: Bool
    var logFrames: Int
  }

  /// The pragma rather than `sqlite3_wal_checkpoint_v2`: a connection that has read nothing
  /// yet does not know the database is in WAL mode, and the C call then does nothing; the
  /// pragma reads the schema first.
  func checkpoint(_ mode: CheckpointMode) throws -> CheckpointResult {
    let statement = try prepare(mode.sql)
    guard try statement.step() else { throw lastError(mode.sql) }
    return CheckpointResult(
      busy: statement.int64(at: 0) != 0, logFrames: Int(statement.int64(at: 1)))
  }

  /// When a lock is busy, tries again every ~0.1 ms, up to `attempts` times, then gives up
  /// with SQLITE_BUSY. SQLite's own busy timeout sleeps 1, 2, 5, 10 ms and longer between
  /// tries, so a writer held off for 3 ms by a checkpoint would wait 8.
  func retryWhileBusy(attempts: Int32) {
    sqlite3_busy_handler(
      handle,
      { limit, tries in
        guard tries < Int32(Int(bitPattern: limit)) else { return 0 }
        usleep(100)
        return 1
      }, UnsafeMutableRawPointer(bitPattern: Int(attempts)))
  }
}
