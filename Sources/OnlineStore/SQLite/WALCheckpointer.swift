import Foundation

/// Copies the write-ahead log back into the database on a thread and connection of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages, so
/// every few small commits one of them pays for copying and syncing the pages of the
/// others: a latency spike a service committing every few milliseconds cannot afford. In
/// WAL mode a passive checkpoint from another connection runs beside the writer and never
/// blocks it, so the store turns the automatic one off and runs this instead.
final class WALCheckpointer: @unchecked Sendable {
  private let condition = NSCondition()
  private var commitsSinceCheckpoint = 0
  private var stopping = false
  private var running = true
  private let path: String

  /// Checkpoints after this many commits, or this long after the last one.
  private let commitsPerCheckpoint = 8
  private let idleDelay: TimeInterval = 0.2

  init(databasePath: String) {
    self.path = databasePath
    // Named from inside, in 15 bytes: see BatchCommitter.
    Thread { [self] in
      Thread.current.name = "idem-walckpt"
      self.work()
    }.start()
  }

  /// Tells the checkpointer that a transaction committed.
  func noteCommit() {
    condition.lock()
    commitsSinceCheckpoint += 1
    if commitsSinceCheckpoint >= commitsPerCheckpoint { condition.signal() }
    condition.unlock()
  }

  /// Stops the thread and waits for it; the last connection's close checkpoints the rest.
  func stop() {
    condition.lock()
    stopping = true
    condition.broadcast()
    while running { condition.wait() }
    condition.unlock()
  }

  private func work() {
    checkpointUntilStopped()
    // Only now, with this thread's connection closed, may the store close or reopen: a
    // connection still open would hold a lock the next `journal_mode` change waits for.
    condition.lock()
    running = false
    condition.broadcast()
    condition.unlock()
  }

  private func checkpointUntilStopped() {
    // Opened here, so that the connection is only ever used by this thread; released on
    // return.
    let connection = try? SQLiteConnection(path: path, readOnly: false)
    try? connection?.execute("PRAGMA busy_timeout = 1000")
    condition.lock()
    defer { condition.unlock() }
    while !stopping {
      if commitsSinceCheckpoint < commitsPerCheckpoint {
        _ = condition.wait(until: Date(timeIntervalSinceNow: idleDelay))
      }
      if stopping || commitsSinceCheckpoint == 0 { continue }
      commitsSinceCheckpoint = 0
      condition.unlock()
      // PASSIVE: copies what it can without waiting for readers or the writer. A failure
      // leaves the pages in the WAL, where the next checkpoint finds them.
      _ = try? connection?.scalarText("PRAGMA wal_checkpoint(PASSIVE)")
      condition.lock()
    }
  }
}
