import Foundation

extension DeltaTable {
  /// Commits `actions` plus one `txn` per app transaction as the next version and returns it.
  ///
  /// The commit is a put-if-absent of the next commit file. If another writer took that version,
  /// its commit is read and checked: a `txn` for one of our app ids, a remove of a file we
  /// remove, or a metadata/protocol change is a typed conflict error; anything else (plain
  /// appends, compaction of other files) lets us retry at the following version, with a short
  /// randomised backoff once retries repeat. Every `checkpointInterval` versions a checkpoint
  /// follows; its failure does not undo the commit (see `checkpointFailure`).
  ///
  /// The commit builds on the state this handle last read (`open`, `snapshot()`,
  /// `latestVersion()` or its own last commit): that is the state whose app transaction
  /// versions the caller decided on. After a conflict error, read again before retrying.
  @discardableResult
  public func commit(
    actions: [DeltaAction], appTransactions: [(appId: String, version: Int64)] = [],
    operation: String = "WRITE", operationParameters: [String: JSONValue] = [:]
  ) throws -> Int64 {
    var base = lock.withLock { cachedState }
    guard let tableProtocol = base.tableProtocol else {
      throw DeltaError.missingTableMetadata(version: base.version)
    }
    try tableProtocol.checkWritable()
    let now = Self.nowMilliseconds()
    var seenAppIds = Set<String>()
    var transactionActions: [DeltaAction] = []
    for txn in appTransactions.reversed() where seenAppIds.insert(txn.appId).inserted {
      transactionActions.append(
        .transaction(AppTransaction(appId: txn.appId, version: txn.version, lastUpdated: now)))
    }
    let payload =
      actions.filter { if case .commitInfo = $0 { return false } else { return true } }
      + transactionActions.reversed()
    let checker = ConflictChecker(actions: payload)
    let isBlindAppend = !payload.contains {
      if case .remove = $0 { return true } else { return false }
    }

    for attempt in 0..<options.maxCommitAttempts {
      let version = base.version + 1
      let info: DeltaAction = .commitInfo([
        "timestamp": .integer(Self.nowMilliseconds()), "operation": .string(operation),
        "operationParameters": .object(operationParameters), "readVersion": .integer(base.version),
        "isBlindAppend": .bool(isBlindAppend), "engineInfo": .string(options.engineInfo),
      ])
      let body = try ActionCodec.encodeCommit([info] + payload)
      if try log.storage.putIfAbsent(DeltaLog.commitKey(version), body) {
        // Advance the cached state in place when it is the one this commit built on (the
        // usual case); copying it would cost O(live files) on every commit.
        let isCurrent = lock.withLock { cachedState.version == base.version }
        var rebuilt: TableState?
        if !isCurrent {
          rebuilt = base
          rebuilt?.apply(payload, version: version)
        }
        base = TableState()
        let checkpointState = lock.withLock { () -> TableState? in
          if let rebuilt {
            if rebuilt.version > cachedState.version { cachedState = rebuilt }
          } else if cachedState.version == version - 1 {
            cachedState.apply(payload, version: version)
          }
          // Otherwise a refresh already read this version and more: nothing to add.
          guard cachedState.version == version,
            version % effectiveCheckpointInterval(cachedState.metadata) == 0
          else { return nil }
          return cachedState
        }
        if let checkpointState {
          if options.checkpointsInBackground {
            checkpointQueue.async { [self] in writeCheckpointRecordingFailure(checkpointState) }
          } else {
            writeCheckpointRecordingFailure(checkpointState)
          }
        }
        return version
      }
      // Lost the race: check every commit that is there now (however far behind this handle
      // was, catching up is not a retry), then try the first free version.
      var winnerVersion = version
      while let winner = try log.readCommitIfPresent(winnerVersion) {
        try checker.check(winner: winner, version: winnerVersion)
        base.apply(winner, version: winnerVersion)
        winnerVersion += 1
      }
      if attempt >= 2 {
        let ceiling = UInt32(min(50_000, 500 << min(attempt, 10)))
        usleep(UInt32.random(in: 0...ceiling))
      }
    }
    throw DeltaError.tooManyConflicts(attempts: options.maxCommitAttempts)
  }

  /// Adds nullable columns at the end of the schema (schema evolution) and returns the version.
  /// Existing files lack the columns; readers see them as null there.
  @discardableResult
  public func addColumns(_ fields: [DeltaField]) throws -> Int64 {
    let state = try refresh()
    guard var metadata = state.metadata else {
      throw DeltaError.missingTableMetadata(version: state.version)
    }
    let schema = try metadata.schema().adding(fields)
    metadata.schemaString = schema.sparkJSON()
    return try commit(
      actions: [.metadata(metadata)], operation: "ADD COLUMNS",
      operationParameters: [
        "columns": .string(fields.map { "\($0.name) \($0.type.sparkName)" }.joined(separator: ", "))
      ])
  }

  /// Waits until every checkpoint queued in the background is written (or has failed).
  public func waitForCheckpoints() {
    checkpointQueue.sync {}
  }

  private func writeCheckpointRecordingFailure(_ state: TableState) {
    do {
      try writeCheckpoint(state)
    } catch let error as DeltaError {
      lock.withLock { lastCheckpointFailure = error }
    } catch {
      lock.withLock {
        lastCheckpointFailure = .corruptCheckpoint(version: state.version, reason: "\(error)")
      }
    }
  }
}
