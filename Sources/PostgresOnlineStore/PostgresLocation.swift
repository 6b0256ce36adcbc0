/// Where the PostgreSQL online store lives: `online.url` of the config, taken apart.
///
/// Its own type rather than `URL`, so that the config reader can say exactly what is wrong
/// with a value (a missing database, a port that is not a number) before anything connects,
/// and so that the password never appears in a message (`description` leaves it out).
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
  public enum TLSMode: String, Sendable, Hashable {
    /// Plain TCP (the default: a database on the same host or a private network).
    case disable
    /// TLS when the server offers it.
    case prefer
    /// TLS or no connection.
    case require
  }

  public var host: String
  public var port: Int
  public var user: String
  public var password: String?
  public var database: String
  public var tls: TLSMode

  public init(
    host: String, port: Int = 5432, user: String, password: String?, database: String,
    tls: TLSMode = .disable
  ) {
    self.host = host
    self.port = port
    self.user = user
    self.password = password
    self.database = database
    self.tls = tls
  }

  /// Why a URL is not a PostgreSQL location, in words a config error can show.
  public struct ParseError: Error, Sendable, Hashable {
    public let problem: String
    public let fix: String
  }

  /// Whether `url` asks for PostgreSQL at all (its scheme), as opposed to being malformed.
  public static func isPostgresURL(_ url: String) -> Bool {
    url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
  }

  static let form = "postgres://user:password@host:5432/database"

  /// Parses `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]`
  /// (`postgresql://` as well); user and password may be percent-encoded.
  public init(url: String) throws(ParseError) {
    guard let schemeEnd = url.range(of: "://"),
      ["postgres", "postgresql"].contains(String(url[..<schemeEnd.lowerBound]))
    else {
      throw ParseError(
        problem: "'\(Self.redacted(url))' is not a postgres:// URL",
        fix: "write it as \(Self.form), or leave online.url out for the embedded store")
    }
    var rest = String(url[schemeEnd.upperBound...])
    var query = ""
    if let mark = rest.firstIndex(of: "?") {
      query = String(rest[rest.index(after: mark)...])
      rest = String(rest[..<mark])
    }
    guard let slash = rest.firstIndex(of: "/") else {
      throw ParseError(
        problem: "online.url names no database", fix: "end it with /database: \(Self.form)")
    }
    let authority = String(rest[..<slash])
    let databaseText = String(rest[rest.index(after: slash)...])
    guard let database = Self.percentDecoded(databaseText), !database.isEmpty,
      !database.contains("/")
    else {
      throw ParseError(
        problem: "online.url names no database", fix: "end it with /database: \(Self.form)")
    }
    guard let at = authority.lastIndex(of: "@") else {
      throw ParseError(
        problem: "online.url names no user", fix: "put user@ before the host: \(Self.form)")
    }
    let credentials = String(authority[..<at])
    let hostPort = String(authority[authority.index(after: at)...])
    let userText: String
    var password: String?
    if let colon = credentials.firstIndex(of: ":") {
      userText = String(credentials[..<colon])
      password = Self.percentDecoded(String(credentials[credentials.index(after: colon)...]))
      if password == nil {
        throw ParseError(
          problem: "the password in online.url has a broken %-escape",
          fix: "percent-encode it (%40 for @, %3A for :, %2F for /)")
      }
    } else {
      userText = credentials
    }
    guard let user = Self.percentDecoded(userText), !user.isEmpty else {
      throw ParseError(
        problem: "online.url names no user", fix: "put user@ before the host: \(Self.form)")
    }
    var host = hostPort
    var port = 5432
    if hostPort.hasPrefix("[") {
      // An IPv6 literal: [::1]:5432.
      guard let close = hostPort.firstIndex(of: "]") else {
        throw ParseError(problem: "online.url has an unclosed [ in its host", fix: Self.form)
      }
      host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
      let after = hostPort[hostPort.index(after: close)...]
      if after.hasPrefix(":") { port = try Self.port(String(after.dropFirst())) }
    } else if let colon = hostPort.lastIndex(of: ":") {
      host = String(hostPort[..<colon])
      port = try Self.port(String(hostPort[hostPort.index(after: colon)...]))
    }
    guard !host.isEmpty else {
      throw ParseError(problem: "online.url names no host", fix: "write it as \(Self.form)")
    }
    var tls = TLSMode.disable
    for parameter in query.split(separator: "&") where !parameter.isEmpty {
      let parts = parameter.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, parts[0] == "sslmode", let mode = TLSMode(rawValue: parts[1]) else {
        throw ParseError(
          problem: "online.url has the unknown parameter '\(parameter)'",
          fix: "the one parameter taken is sslmode=disable, prefer or require")
      }
      tls = mode
    }
    self.init(host: host, port: port, user: user, password: password, database: database, tls: tls)
  }

  private static func port(_ text: String) throws(ParseError) -> Int {
    guard let port = Int(text), (1...65535).contains(port) else {
      throw ParseError(
        problem: "the port '\(text)' in online.url is not a number from 1 to 65535",
        fix: "write it as \(Self.form)")
    }
    return port
  }

  /// `%XX` escapes decoded as UTF-8; nil when an escape is broken or the bytes are not UTF-8.
  static func percentDecoded(_ text: String) -> String? {
    var bytes: [UInt8] = []
    var iterator = Array(text.utf8).makeIterator()
    while let byte = iterator.next() {
      guard byte == UInt8(ascii: "%") else {
        bytes.append(byte)
        continue
      }
      guard let high = iterator.next(), let low = iterator.next(),
        let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
      else { return nil }
      bytes.append(value)
    }
    return String(validating: bytes, as: UTF8.self)
  }

  /// The URL with any password replaced by `***`, for messages.
  static func redacted(_ url: String) -> String {
    guard let schemeEnd = url.range(of: "://"), let at = url.range(of: "@"),
      schemeEnd.upperBound < at.lowerBound
    else { return url }
    let credentials = url[schemeEnd.upperBound..<at.lowerBound]
    guard let colon = credentials.firstIndex(of: ":") else { return url }
    return String(url[..<colon]) + ":***" + String(url[at.lowerBound...])
  }

  /// `user@host:port/database`, never the password.
  public var description: String {
    let hostText = host.contains(":") ? "[\(host)]" : host
    return "\(user)@\(hostText):\(port)/\(database)"
  }
}
