import Foundation
import Logging
import Metrics
import OnlineStore

/// Commits batches strictly in order on two threads of its own while the loop decodes and
/// decides the next batch.
///
/// Both threads take every batch, in submission order. The offline thread writes its data
/// files and Delta commits; the online thread meanwhile writes its rows into an open SQLite
/// transaction and commits it only once the offline thread reports the same batch in the
/// offline table. So the online store never runs ahead of the offline one (it may trail it
/// by a batch, which recovery already handles: DESIGN.md), and a batch is visible online
/// about one offline commit after it was cut, not an offline plus an online commit after.
/// A large batch's offline commit may also start while the online thread finishes the
/// batch before (see `overlapMinRows`). At most two batches are in the committer, which
/// bounds memory and keeps the loop from running ahead. The stores belong to these threads
/// once they start; the loop reaches them only through `whenIdle`.
final class BatchCommitter: @unchecked Sendable {
  /// A batch both stores took, with what the online store did with it.
  struct Completed {
    var batch: PendingBatch
    var result: OnlineApplyResult
    /// Wall-clock epoch milliseconds when the online commit finished.
    var committedAtMillis: Int64
  }

  /// One submitted batch, shared by the two threads. `batch` is never changed: each thread
  /// works on its own copy (the row arrays stay shared), and the offline thread's result
  /// is handed over in `offline`, under the lock.
  private final class Job {
    let batch: PendingBatch
    let dedupEntries: [DedupEntryRecord]
    /// The batch as the offline commit left it (tables and versions committed, its stage
    /// time), once the offline table holds it.
    var offline: PendingBatch?

    init(batch: PendingBatch, dedupEntries: [DedupEntryRecord]) {
      self.batch = batch
      self.dedupEntries = dedupEntries
    }
  }

  private let condition = NSCondition()
  /// Submitted, not yet taken by the offline thread.
  private var offlineQueue: [Job] = []
  /// Submitted, not yet taken by the online thread.
  private var onlineQueue: [Job] = []
  /// The batch the online thread is applying.
  private var onlineCurrent: Job?
  /// Submitted and not yet completed (at most two).
  private var inFlight = 0
  /// A batch this small starts its offline commit only once the online thread has finished
  /// the batches before it. Small batches come from a caught-up stream, where latency
  /// counts, and overlapped commits looked slower there (offline per commit ~9.5 ms
  /// overlapped vs ~7 ms not, at 20k writes/s on a shared machine: suggestive, not
  /// conclusive; their fsyncs compete). A backlog's batches (~40,000 rows at the 8 MiB
  /// bound) overlap: there, throughput counts.
  static let overlapMinRows = 10_000
  private var completed: [Completed] = []
  private var failure: (any Error)?
  private var closed = false
  /// The committer's threads that have not returned yet; `close` waits until none is left.
  private var runningThreads = 2
  private let stores: IngestionStores
  private let service: IngestionService

  init(stores: IngestionStores, service: IngestionService) {
    self.stores = stores
    self.service = service
    // Named from inside: Foundation on Linux names only the running thread, and the kernel
    // keeps 15 bytes of a name (what `top -H` and perf show).
    Thread {
      Thread.current.name = "idem-offline"
      self.offlineWork()
    }.start()
    Thread {
      Thread.current.name = "idem-online"
      self.onlineWork()
    }.start()
  }

  /// Hands a decided batch over; waits while two are already in the committer.
  func submit(_ batch: PendingBatch, dedupEntries: [DedupEntryRecord]) throws {
    condition.lock()
    defer { condition.unlock() }
    // The loop decides the next batch meanwhile, but never holds a third (each is several
    // MB at the batch bound).
    while inFlight >= 2 && failure == nil { condition.wait() }
    if let failure { throw failure }
    let job = Job(batch: batch, dedupEntries: dedupEntries)
    offlineQueue.append(job)
    onlineQueue.append(job)
    inFlight += 1
    condition.broadcast()
  }

  /// The batches committed since the last call; throws the error that stopped a thread.
  func takeCompleted() throws -> [Completed] {
    condition.lock()
    defer { condition.unlock() }
    if let failure { throw failure }
    let done = completed
    completed = []
    return done
  }

  var isIdle: Bool {
    condition.lock()
    defer { condition.unlock() }
    return inFlight == 0
  }

  /// Waits until every submitted batch is committed, then runs `body` with the stores
  /// (nothing else touches them meanwhile) and returns the batches completed.
  func whenIdle(_ body: (IngestionStores) throws -> Void = { _ in }) throws -> [Completed] {
    condition.lock()
    defer { condition.unlock() }
    while inFlight > 0 && failure == nil { condition.wait() }
    if let failure { throw failure }
    try body(stores)
    let done = completed
    completed = []
    return done
  }

  /// Lets both threads finish the batches in hand, then waits until they have returned.
  ///
  /// Returning earlier would leave a thread holding the stores while the caller closes
  /// them or the process exits: an online transaction cut off mid-commit, and a data-dir
  /// lock never released. The wait ends: a thread returns once its queue is empty, and a
  /// commit that keeps failing stops retrying once the committer is closed.
  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    while runningThreads > 0 { condition.wait() }
    condition.unlock()
  }

  private func threadReturned() {
    condition.lock()
    runningThreads -= 1
    condition.broadcast()
    condition.unlock()
  }

  private var isClosed: Bool {
    condition.lock()
    defer { condition.unlock() }
    return closed
  }

  private var hasFailed: Bool {
    condition.lock()
    defer { condition.unlock() }
    return failure != nil
  }

  /// Stops both threads with `error`, which every later call on the loop's side throws.
  private func fail(_ error: any Error) {
    condition.lock()
    if failure == nil { failure = error }
    condition.broadcast()
    condition.unlock()
  }

  /// Whether the offline thread may start `job` (`overlapMinRows`): a small batch waits
  /// until the online thread has nothing older in hand.
  private func offlineMayStart(_ job: Job) -> Bool {
    if job.batch.rowCount >= Self.overlapMinRows { return true }
    if let current = onlineCurrent { return current === job }
    return onlineQueue.first === job
  }

  private func offlineWork() {
    defer { threadReturned() }
    while true {
      condition.lock()
      while !(offlineQueue.first.map(offlineMayStart) ?? closed) && failure == nil {
        condition.wait()
      }
      if offlineQueue.isEmpty || failure != nil {
        condition.unlock()
        return
      }
      let job = offlineQueue.removeFirst()
      condition.unlock()
      var batch = job.batch
      do {
        try commitRetrying { try stores.commitOffline(&batch) }
        condition.lock()
        job.offline = batch
        condition.broadcast()
        condition.unlock()
      } catch {
        fail(error)
        return
      }
    }
  }

  private func onlineWork() {
    defer { threadReturned() }
    while true {
      condition.lock()
      while onlineQueue.isEmpty && !closed && failure == nil { condition.wait() }
      if onlineQueue.isEmpty || failure != nil {
        condition.unlock()
        return
      }
      let job = onlineQueue.removeFirst()
      onlineCurrent = job
      condition.broadcast()
      condition.unlock()
      var batch = job.batch
      do {
        let result = try commitRetrying {
          try stores.commitOnline(
            &batch, dedupEntries: job.dedupEntries,
            offlineVersions: { try self.offlineVersions(of: job) })
        }
        condition.lock()
        // The offline thread's copy carries what the offline commit recorded; the online
        // stage time comes from this thread's copy.
        var done = job.offline ?? batch
        done.counts.stageNanoseconds["online"] = batch.counts.stageNanoseconds["online"]
        completed.append(
          Completed(
            batch: done, result: result,
            committedAtMillis: Int64(Date().timeIntervalSince1970 * 1000)))
        inFlight -= 1
        onlineCurrent = nil
        condition.broadcast()
        condition.unlock()
      } catch {
        fail(error)
        return
      }
    }
  }

  /// Waits, inside the online transaction, until the offline table holds `job`; returns
  /// the table versions it committed. Throws when the offline thread has stopped.
  private func offlineVersions(of job: Job) throws -> [String: Int64] {
    condition.lock()
    defer { condition.unlock() }
    while job.offline == nil && failure == nil { condition.wait() }
    if let offline = job.offline { return offline.committedTables }
    throw failure ?? IngestionError.stoppedWhileCommitFailing("the offline commit stopped")
  }

  /// Retries with backoff while a store refuses (a full or read-only disk): the batch stays
  /// in hand, nothing advances, nothing is lost. Gives up only when a stop is requested or
  /// the committer is closed.
  private func commitRetrying<Result>(_ commit: () throws -> Result) throws -> Result {
    var backoff = Duration.milliseconds(100)
    while true {
      do {
        let result = try commit()
        Gauge(label: MetricFamilies.commitFailing.name).record(0)
        return result
      } catch {
        // The other thread stopped (the online transaction waited for an offline commit
        // that will not come): nothing to retry. Nor when the store says a retry cannot
        // help (a refused login, a missing database): the service stops with the reason.
        if hasFailed { throw error }
        // Refused credentials, a missing bucket: no retry can help; stop with the reason.
        if StoreFailure.isPermanent(error) { throw error }
        // The counter says how often, the gauge whether it is failing right now.
        Counter(label: MetricFamilies.commitFailures.name).increment()
        Gauge(label: MetricFamilies.commitFailing.name).record(1)
        service.logger.error(
          "commit failed; retrying the same batch",
          metadata: [
            "error": "\(error)", "retry_in_ms": "\(IngestionService.milliseconds(backoff))",
          ])
        waitBeforeRetry(backoff)
        // Closed: the loop has stopped (a stop, or an error of its own) and waits in `close`;
        // the batch is not lost, a restart decides it again from the committed positions.
        if service.isStopRequested || isClosed {
          throw IngestionError.stoppedWhileCommitFailing("\(error)")
        }
        backoff = min(backoff * 2, .seconds(5))
      }
    }
  }

  /// Sleeps `backoff` in short slices, so that SIGTERM during a failing commit ends the
  /// process within a fraction of a second rather than after the whole backoff.
  private func waitBeforeRetry(_ backoff: Duration) {
    let until = ContinuousClock.now + backoff
    while ContinuousClock.now < until && !service.isStopRequested && !isClosed {
      Thread.sleep(forTimeInterval: 0.02)
    }
  }
}
