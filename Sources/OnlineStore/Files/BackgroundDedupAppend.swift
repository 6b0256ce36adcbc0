import Dispatch

/// A dedup-log append running beside the online apply's row updates.
///
/// The append ends in an fdatasync (about half a millisecond for a small batch, several for
/// a backlog's 8 MiB batch) that the rows do not depend on: only the length the transaction
/// commits must wait for it. The apply starts this first, updates rows meanwhile, and calls
/// `wait()` before recording the length; on failure it waits too, so the uncommitted tail is
/// never cut while the write is still running.
final class BackgroundDedupAppend: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  // Written once by the worker before `done` is signalled, read only after waiting.
  private var result: Result<Int64, any Error>
  private var finished = false

  init(_ log: DedupLog, entries: [DedupEntryRecord]) {
    result = .success(log.committedLength)
    guard !entries.isEmpty else {
      finished = true
      return
    }
    nonisolated(unsafe) let log = log
    DispatchQueue.global(qos: .userInitiated).async { [self] in
      result = Result { try log.append(entries) }
      done.signal()
    }
  }

  /// The log length to commit, once the entries are written and synced.
  func wait() throws -> Int64 {
    if !finished {
      done.wait()
      finished = true
    }
    return try result.get()
  }
}
