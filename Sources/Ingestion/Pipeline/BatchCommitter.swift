import Foundation
import Logging
import Metrics
import OnlineStore

/// Commits batches strictly in order on two threads of its own while the loop decodes and
/// decides the next batch: the offline thread writes batch N+1's data files and Delta
/// commits while the online thread applies batch N to SQLite.
///
/// Order holds per store (one thread each), and a batch reaches the online thread only once
/// the offline table holds it, so the online store never runs ahead of the offline one (it
/// may trail it by a batch, which recovery already handles: DESIGN.md). Only large batches
/// overlap (see `overlapMinRows`). At most two batches are in the committer, one per thread,
/// which bounds memory and keeps the loop from running ahead. The stores belong to these threads once they start; the loop reaches them only
/// through `whenIdle`.
final class BatchCommitter: @unchecked Sendable {
  /// A batch both stores took, with what the online store did with it.
  struct Completed {
    var batch: PendingBatch
    var result: OnlineApplyResult
    /// Wall-clock epoch milliseconds when the online commit finished.
    var committedAtMillis: Int64
  }

  private typealias Work = (batch: PendingBatch, dedupEntries: [DedupEntryRecord])

  private let condition = NSCondition()
  /// Submitted, waiting for the offline thread.
  private var waiting: [Work] = []
  /// In the offline table, waiting for the online thread.
  private var offlineDone: [Work] = []
  /// Submitted and not yet completed (at most two).
  private var inFlight = 0
  private var offlineBusy = false
  /// Whether the online thread is applying a batch.
  private var onlineBusy = false
  /// A batch this small waits for the online thread to finish the one before. Small batches
  /// come from a caught-up stream, where latency counts, and overlapped commits looked
  /// slower there (offline per commit ~9.5 ms overlapped vs ~7 ms not, at 20k writes/s on a
  /// shared machine: suggestive, not conclusive; their fsyncs meet in the file system's
  /// journal). A backlog's batches (~40,000 rows at the 8 MiB bound) overlap: there,
  /// throughput counts.
  static let overlapMinRows = 10_000
  private var completed: [Completed] = []
  private var failure: (any Error)?
  private var closed = false
  private let stores: IngestionStores
  private let service: IngestionService

  init(stores: IngestionStores, service: IngestionService) {
    self.stores = stores
    self.service = service
    let offline = Thread { [self] in self.offlineWork() }
    offline.name = "idemstream-offline"
    offline.start()
    let online = Thread { [self] in self.onlineWork() }
    online.name = "idemstream-online"
    online.start()
  }

  /// Hands a decided batch over; waits while two are already in the committer.
  func submit(_ batch: PendingBatch, dedupEntries: [DedupEntryRecord]) throws {
    condition.lock()
    defer { condition.unlock() }
    // One batch per thread: the loop decides the next one meanwhile, but never holds a
    // fourth (each is several MB at the batch bound).
    while inFlight >= 2 && failure == nil { condition.wait() }
    if let failure { throw failure }
    waiting.append((batch, dedupEntries))
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

  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }

  /// Stops both threads with `error`, which every later call on the loop's side throws.
  private func fail(_ error: any Error) {
    condition.lock()
    if failure == nil { failure = error }
    condition.broadcast()
    condition.unlock()
  }

  /// Whether the next batch must wait for the online thread (`overlapMinRows`).
  private var mustWaitForOnline: Bool {
    guard let next = waiting.first else { return false }
    return (onlineBusy || !offlineDone.isEmpty) && next.batch.rowCount < Self.overlapMinRows
  }

  private func offlineWork() {
    while true {
      condition.lock()
      while (waiting.isEmpty || mustWaitForOnline) && !closed && failure == nil {
        condition.wait()
      }
      if waiting.isEmpty || failure != nil {
        condition.unlock()
        return
      }
      var work = waiting.removeFirst()
      offlineBusy = true
      condition.unlock()
      do {
        try commitRetrying { try stores.commitOffline(&work.batch) }
        condition.lock()
        offlineDone.append(work)
        offlineBusy = false
        condition.broadcast()
        condition.unlock()
      } catch {
        fail(error)
        return
      }
    }
  }

  private func onlineWork() {
    while true {
      condition.lock()
      while offlineDone.isEmpty && failure == nil
        && !(closed && waiting.isEmpty && !offlineBusy)
      {
        condition.wait()
      }
      if offlineDone.isEmpty || failure != nil {
        condition.unlock()
        return
      }
      var work = offlineDone.removeFirst()
      onlineBusy = true
      condition.unlock()
      do {
        let result = try commitRetrying {
          try stores.commitOnline(&work.batch, dedupEntries: work.dedupEntries)
        }
        let done = Completed(
          batch: work.batch, result: result,
          committedAtMillis: Int64(Date().timeIntervalSince1970 * 1000))
        condition.lock()
        completed.append(done)
        inFlight -= 1
        onlineBusy = false
        condition.broadcast()
        condition.unlock()
      } catch {
        fail(error)
        return
      }
    }
  }

  /// Retries with backoff while a store refuses (a full or read-only disk): the batch stays
  /// in hand, nothing advances, nothing is lost. Gives up only when a stop is requested.
  private func commitRetrying<Result>(_ commit: () throws -> Result) throws -> Result {
    var backoff = Duration.milliseconds(100)
    while true {
      do {
        let result = try commit()
        Gauge(label: "idemstream_commit_failing").record(0)
        return result
      } catch {
        // The counter says how often, the gauge whether it is failing right now.
        Counter(label: "idemstream_commit_failures_total").increment()
        Gauge(label: "idemstream_commit_failing").record(1)
        service.logger.error(
          "commit failed; retrying the same batch",
          metadata: [
            "error": "\(error)", "retry_in_ms": "\(IngestionService.milliseconds(backoff))",
          ])
        waitBeforeRetry(backoff)
        if service.isStopRequested {
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
    while ContinuousClock.now < until && !service.isStopRequested {
      Thread.sleep(forTimeInterval: 0.02)
    }
  }
}
