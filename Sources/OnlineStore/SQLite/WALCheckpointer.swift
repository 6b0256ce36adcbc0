import Foundation

/// Copies the write-ahead log back into the database on a thread and connection of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages, so
/// every few small commits one of them pays for copying and syncing the pages of the
/// others: a latency spike a service committing every few milliseconds cannot afford. In
/// WAL mode a passive checkpoint from another connection runs beside the writer and never
/// blocks it, so the store turns the automatic one off and runs this instead.
///
/// A passive checkpoint never starts the log over: that happens only when a writer begins
/// while every frame is already copied, which a writer committing every few milliseconds
/// seldom allows. Left alone, the log grew to 670 MB beside a 4.7 MB database within 30 s
/// at 20k writes/s, each frame written at its growing end. So once the log holds
/// `restartFrames`, a restart checkpoint follows the passive one: it holds the writer off
/// while it copies the few frames committed since (the passive one did the rest) and then
/// the next commit writes from the log's start again, over pages the file already has.
final class WALCheckpointer: @unchecked Sendable {
  private let condition = NSCondition()
  private var commitsSinceCheckpoint = 0
  private var stopping = false
  private var running = true
  /// A log this long (16,384 frames: 64 MiB of 4 KiB pages, the store's
  /// `journal_size_limit`) is started over.
  private var restartAt = 16_384
  private var restartCount = 0
  private var refusedRestartCount = 0
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

  /// The log length, in frames, at which the log is started over.
  var restartFrames: Int {
    get { condition.withLock { restartAt } }
    set { condition.withLock { restartAt = newValue } }
  }

  /// How many restart checkpoints went through, and how many a reader (or the writer)
  /// kept from finishing (for tests and curiosity).
  var restarts: Int { condition.withLock { restartCount } }
  var refusedRestarts: Int { condition.withLock { refusedRestartCount } }

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
    // A restart checkpoint holds the writer off while it waits for readers (`online get`,
    // `verify`): it gives up after ~20 ms rather than stall the service, and tries again
    // a second later, so a long reader costs the writer one such wait a second at most.
    connection?.retryWhileBusy(attempts: 200)
    var restartNotBefore = ContinuousClock.now
    condition.lock()
    defer { condition.unlock() }
    while !stopping {
      if commitsSinceCheckpoint < commitsPerCheckpoint {
        _ = condition.wait(until: Date(timeIntervalSinceNow: idleDelay))
      }
      if stopping || commitsSinceCheckpoint == 0 { continue }
      commitsSinceCheckpoint = 0
      let restartAt = self.restartAt
      condition.unlock()
      // PASSIVE: copies what it can without waiting for readers or the writer. A failure
      // leaves the pages in the WAL, where the next checkpoint finds them.
      let passive = try? connection?.checkpoint(.passive)
      var restarted = false
      var refused = false
      if let passive, passive.logFrames >= restartAt, ContinuousClock.now >= restartNotBefore {
        restarted = (try? connection?.checkpoint(.restart))?.busy == false
        refused = !restarted
        if refused { restartNotBefore = .now + .seconds(1) }
      }
      condition.lock()
      if restarted { restartCount += 1 }
      if refused { refusedRestartCount += 1 }
    }
  }
}
