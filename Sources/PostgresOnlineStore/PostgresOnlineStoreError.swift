import OnlineStore

/// Why the PostgreSQL online store failed, sorted into what a retry can fix and what it
/// cannot.
///
/// A type of its own (rather than `OnlineStoreError`) because a database server fails in
/// ways a file does not: the network drops, the server restarts, a password is refused. The
/// committer retries a `transient` failure with the batch in hand and stops the service on
/// a permanent one (`ClassifiedStoreError`), and each case names the server, what it said
/// and the fix. Errors about the rows themselves (a key that does not fit, an unknown group)
/// stay `OnlineStoreError`, as in the embedded store.
public enum PostgresOnlineStoreError: Error, Sendable, Hashable {
  /// The server could not be reached or the connection broke (refused, reset, timed out,
  /// the server shutting down or starting up). Retried.
  case unreachable(location: String, reason: String)
  /// The server refused the login (SQLSTATE class 28). Permanent.
  case authenticationFailed(location: String, message: String)
  /// The database in `online.url` does not exist (SQLSTATE 3D000). Permanent.
  case missingDatabase(location: String, message: String)
  /// The server refused a statement. `sqlState` decides whether a retry can help (a
  /// deadlock or a serialization failure can; a missing privilege cannot).
  case server(location: String, sqlState: String, message: String, context: String)
  /// The database cannot hold this store: not UTF-8, or a name longer than PostgreSQL
  /// keeps. Permanent.
  case unsupported(location: String, reason: String)
  /// A value PostgreSQL cannot store as the schema types it (text holding U+0000, a
  /// timestamp outside its range). Permanent for the batch: retrying sends the same value.
  case unstorableValue(group: String, reason: String)
  /// The database answered in a way the store did not expect (a result of the wrong shape,
  /// a row count that disagrees with the decision). Permanent: the store cannot tell what
  /// happened.
  case unexpectedResult(context: String)
}

extension PostgresOnlineStoreError: ClassifiedStoreError {
  public var isPermanent: Bool {
    switch self {
    case .unreachable: return false
    case .server(_, let sqlState, _, _): return !Self.isTransient(sqlState: sqlState)
    case .authenticationFailed, .missingDatabase, .unsupported, .unstorableValue,
      .unexpectedResult:
      return true
    }
  }

  /// SQLSTATEs a later attempt may not meet: connection exceptions (08), a server shutting
  /// down, starting or out of resources (57P01–57P03, 53), serialization failures and
  /// deadlocks (40001, 40P01), a lock timeout (55P03) and a cancelled statement (57014).
  static func isTransient(sqlState: String) -> Bool {
    sqlState.hasPrefix("08") || sqlState.hasPrefix("53") || sqlState.hasPrefix("57P")
      || ["40001", "40P01", "55P03", "57014", "58000", "58030"].contains(sqlState)
  }
}

extension PostgresOnlineStoreError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .unreachable(let location, let reason):
      return "cannot reach PostgreSQL at \(location): \(reason) (retrying)"
    case .authenticationFailed(let location, let message):
      return
        "PostgreSQL at \(location) refused the login: \(message); check the user and password in online.url"
    case .missingDatabase(let location, let message):
      return
        "PostgreSQL at \(location): \(message); create it (createdb) or name an existing database in online.url"
    case .server(let location, let sqlState, let message, let context):
      return "PostgreSQL at \(location) refused \(context): \(message) (SQLSTATE \(sqlState))"
    case .unsupported(let location, let reason):
      return "PostgreSQL at \(location) cannot hold the online store: \(reason)"
    case .unstorableValue(let group, let reason):
      return "feature group '\(group)': PostgreSQL cannot store \(reason)"
    case .unexpectedResult(let context):
      return "PostgreSQL answered \(context) unexpectedly"
    }
  }
}
