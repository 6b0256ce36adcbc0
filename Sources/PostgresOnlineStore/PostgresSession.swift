import Logging
import NIOCore
import NIOPosix
import OnlineStore
import PostgresNIO

/// The one place where the synchronous `OnlineStore` protocol meets postgres-nio's
/// event-loop world.
///
/// postgres-nio runs on an event loop; the pipeline calls the store from threads of its own
/// (the committer's online thread, a tool's main thread) and expects an answer before it
/// goes on. The session owns a one-thread `EventLoopGroup` for its connection and waits on
/// the calling thread for each result, which is safe because no caller is ever one of that
/// group's threads. Everything else in the module calls `query` and `transaction` and never
/// sees a future.
///
/// A connection that broke (the server restarted, the network dropped) is replaced on the
/// next call outside a transaction; inside one, every later statement fails, so that no
/// statement of a batch ever lands outside the transaction it belongs to.
final class PostgresSession {
  let location: PostgresLocation
  private let group: MultiThreadedEventLoopGroup
  private let configuration: PostgresConnection.Configuration
  private let logger: Logger
  private var connection: PostgresConnection?
  private var connectionCount = 0
  /// The connection a transaction runs on; a statement inside it never reconnects.
  private var transactionConnection: PostgresConnection?
  private var closed = false

  /// Connects at once, so that a wrong password or a missing database is reported when the
  /// store opens rather than at the first batch.
  init(location: PostgresLocation) throws {
    self.location = location
    var configuration = PostgresConnection.Configuration(
      host: location.host, port: location.port, username: location.user,
      password: location.password, database: location.database,
      tls: try Self.tls(location.tls))
    configuration.options.connectTimeout = .seconds(10)
    self.configuration = configuration
    // postgres-nio logs at trace/debug only; the store reports what matters itself.
    var logger = Logger(label: "idemstream.postgres")
    logger.logLevel = .critical
    self.logger = logger
    group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    do {
      _ = try connected()
    } catch {
      try? group.syncShutdownGracefully()
      throw error
    }
  }

  private static func tls(_ mode: PostgresLocation.TLSMode) throws
    -> PostgresConnection
    .Configuration.TLS
  {
    switch mode {
    case .disable: return .disable
    case .prefer: return .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
    case .require: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
    }
  }

  deinit {
    close()
  }

  func close() {
    guard !closed else { return }
    closed = true
    if let connection { try? connection.close().wait() }
    connection = nil
    try? group.syncShutdownGracefully()
  }

  /// The open connection, connecting first when there is none or it broke.
  private func connected() throws -> PostgresConnection {
    if let connection, !connection.isClosed { return connection }
    connection = nil
    guard !closed else { throw OnlineStoreError.closed }
    connectionCount += 1
    do {
      let opened = try PostgresConnection.connect(
        on: group.next(), configuration: configuration, id: connectionCount, logger: logger
      ).wait()
      connection = opened
      return opened
    } catch {
      throw translate(error, context: "the connection")
    }
  }

  /// Runs one statement and collects its rows.
  @discardableResult
  func query(_ query: PostgresQuery, context: @autoclosure () -> String) throws
    -> PostgresQueryResult
  {
    let connection: PostgresConnection
    if let transactionConnection {
      guard !transactionConnection.isClosed else {
        throw PostgresOnlineStoreError.unreachable(
          location: location.description,
          reason: "the connection closed inside a transaction, which rolled back")
      }
      connection = transactionConnection
    } else {
      connection = try connected()
    }
    do {
      return try connection.query(query, logger: logger).wait()
    } catch {
      throw translate(error, context: context())
    }
  }

  /// Runs `body` between BEGIN and COMMIT; when it throws, rolls back and rethrows. The
  /// transaction ends with its connection if that breaks: the server rolls it back.
  @discardableResult
  func transaction<Result>(readOnly: Bool = false, _ body: () throws -> Result) throws -> Result {
    precondition(transactionConnection == nil, "transactions do not nest")
    let connection = try connected()
    transactionConnection = connection
    defer { transactionConnection = nil }
    try query(
      readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN",
      context: "BEGIN")
    let result: Result
    do {
      result = try body()
    } catch {
      if !connection.isClosed { _ = try? query("ROLLBACK", context: "ROLLBACK") }
      throw error
    }
    try query("COMMIT", context: "COMMIT")
    return result
  }

  /// postgres-nio's error as one of the store's, sorted into transient and permanent.
  /// `PSQLError`'s own description hides everything on purpose; the store names the server's
  /// message and SQLSTATE (never the password, which the server does not echo).
  func translate(_ error: any Error, context: String) -> PostgresOnlineStoreError {
    let server = location.description
    guard let error = error as? PSQLError else {
      return .unreachable(location: server, reason: "\(error)")
    }
    if error.code == .server, let info = error.serverInfo {
      let sqlState = info[.sqlState] ?? "?????"
      var message = info[.message] ?? "no message"
      if let detail = info[.detail] { message += " (\(detail))" }
      if sqlState.hasPrefix("28") {
        return .authenticationFailed(location: server, message: message)
      }
      if sqlState == "3D000" { return .missingDatabase(location: server, message: message) }
      if sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") {
        return .unreachable(location: server, reason: "\(message) (SQLSTATE \(sqlState))")
      }
      return .server(location: server, sqlState: sqlState, message: message, context: context)
    }
    switch error.code {
    case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
      let underlying = error.underlying.map { "\($0)" } ?? "the connection closed"
      return .unreachable(location: server, reason: "\(underlying) (during \(context))")
    case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
      return .authenticationFailed(
        location: server,
        message: "\(error.code)" + (error.underlying.map { ": \($0)" } ?? ""))
    default:
      return .unexpectedResult(
        context: "to \(context) (\(error.code)\(error.underlying.map { ": \($0)" } ?? ""))")
    }
  }
}
