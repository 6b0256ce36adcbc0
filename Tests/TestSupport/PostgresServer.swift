import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A private PostgreSQL cluster for one test class: `initdb` into a temporary directory,
/// `pg_ctl start` on a free loopback port, `pg_ctl stop -m fast` at the end. Real server,
/// real protocol: the store's tests never talk to a stand-in.
///
/// The binaries come from Debian's `postgresql` package (`make test` installs it), found
/// as `/usr/lib/postgresql/<version>/bin` whatever the version. PostgreSQL refuses to run
/// as root, so as root the server runs as a dedicated OS user (`idemstream-pg`, created
/// when missing) that owns the cluster's directory; clients (psql, the service) connect
/// over TCP as the cluster's superuser `idemstream` with a password, so that a wrong one is
/// refused as on a real server.
public final class PostgresServer: @unchecked Sendable {
  public struct Failure: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
  }

  public static let osUser = "idemstream-pg"
  public let user = "idemstream"
  public let password = "idem-\(UInt32.random(in: 0...UInt32.max))"
  public let host = "127.0.0.1"
  public private(set) var port: Int
  public let binDirectory: String
  public let directory: TemporaryDirectory
  public var dataDirectory: String { directory.path + "/cluster" }
  public var logFile: String { directory.path + "/server.log" }
  private var running = false
  private var databases = 0

  /// initdb, then start on a free port (a few tries: another process may take the port
  /// between the probe and the server's bind).
  public init() throws {
    binDirectory = try Self.findBinDirectory()
    directory = try TemporaryDirectory("idemstream-pg")
    port = 0
    let passwordFile = directory.path + "/password"
    try password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
    if getuid() == 0 {
      try Self.ensureOSUser()
      try Self.runChecked("/bin/chown", ["-R", Self.osUser, directory.path])
    }
    try runAsServerUser(
      "initdb",
      [
        "-D", dataDirectory, "-U", user, "--pwfile=\(passwordFile)", "--auth-host=scram-sha-256",
        "--auth-local=trust", "--encoding=UTF8", "--no-locale", "--no-sync",
      ])
    var lastError: (any Error)?
    for _ in 0..<3 {
      port = try Self.freePort()
      do {
        try start()
        return
      } catch {
        lastError = error
      }
    }
    throw lastError ?? Failure(description: "PostgreSQL did not start")
  }

  deinit { stop() }

  /// `postgres://idemstream:<password>@127.0.0.1:<port>/<database>`.
  public func url(database: String, password: String? = nil) -> String {
    "postgres://\(user):\(password ?? self.password)@\(host):\(port)/\(database)"
  }

  /// A new, empty database with a name of its own.
  public func createDatabase(_ prefix: String = "idemstream") throws -> String {
    databases += 1
    let name = "\(prefix)_\(databases)_\(UInt32.random(in: 0...UInt32.max))"
    try psql("CREATE DATABASE \"\(name)\"", database: "postgres")
    return name
  }

  /// Runs SQL with psql (unaligned, tuples only, `|` between columns) and returns its output.
  @discardableResult
  public func psql(_ sql: String, database: String) throws -> String {
    try Self.runChecked(
      binDirectory + "/psql",
      [
        "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", "\(port)",
        "-U", user, "-d", database, "-c", sql,
      ], environment: ["PGPASSWORD": password])
  }

  /// `pg_ctl restart -m immediate`: the server stops without a checkpoint, as a crash would,
  /// and recovers from its WAL on the way up. Clients see their connections drop.
  public func restartImmediately() throws {
    try runAsServerUser(
      "pg_ctl",
      ["restart", "-D", dataDirectory, "-m", "immediate", "-w", "-t", "60", "-l", logFile])
  }

  public func stop() {
    guard running else { return }
    running = false
    _ = try? runAsServerUser("pg_ctl", ["stop", "-D", dataDirectory, "-m", "fast", "-w"])
    directory.remove()
  }

  private func start() throws {
    let options =
      "-p \(port) -c listen_addresses=\(host) -k \(directory.path) -c fsync=off -c max_connections=50"
    try runAsServerUser(
      "pg_ctl", ["start", "-D", dataDirectory, "-o", options, "-l", logFile, "-w", "-t", "60"])
    running = true
  }

  /// A cluster binary, as the server's OS user when the tests run as root.
  ///
  /// Through a shell that first closes every descriptor above stderr: the server that
  /// `pg_ctl start` leaves running would otherwise inherit the test process's descriptors
  /// (Foundation's exit-watch pipe among them) and keep them open for its whole life, so
  /// that `waitUntilExit` never returned.
  @discardableResult
  private func runAsServerUser(_ name: String, _ arguments: [String]) throws -> String {
    let closeInherited =
      #"for fd in /proc/self/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null; exec "$@""#
    let command =
      ["-c", closeInherited, "bash"]
      + (getuid() == 0 ? ["/usr/sbin/runuser", "-u", Self.osUser, "--"] : []) + [
        binDirectory + "/" + name
      ] + arguments
    return try Self.runChecked("/bin/bash", command)
  }

  /// The newest `/usr/lib/postgresql/*/bin` holding initdb.
  static func findBinDirectory() throws -> String {
    let root = "/usr/lib/postgresql"
    let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
      .filter { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }
      .sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
    guard let newest = versions.last else {
      throw Failure(
        description:
          "no PostgreSQL server in \(root)/*/bin: `make test` installs Debian's postgresql package (apt-get install postgresql)"
      )
    }
    return "\(root)/\(newest)/bin"
  }

  private static func ensureOSUser() throws {
    if getpwnam(osUser) != nil { return }
    try runChecked(
      "/usr/sbin/useradd",
      [
        "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell",
        "/usr/sbin/nologin", osUser,
      ])
  }

  /// A port nothing listens on now: bind port 0, read what the kernel gave, let it go.
  public static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
      }
    }
    guard bound else { throw Failure(description: "bind() failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// Runs a program to completion; throws with its output when it fails.
  @discardableResult
  static func runChecked(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:]
  ) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    process.currentDirectoryURL = URL(fileURLWithPath: "/")
    let output = Pipe()
    let errors = FileManager.default.temporaryDirectory.appendingPathComponent(
      "idemstream-pg-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errors) }
    let errorHandle = try FileHandle(forWritingTo: errors)
    defer { try? errorHandle.close() }
    process.standardOutput = output
    process.standardError = errorHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
      let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
      throw Failure(
        description:
          "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(stderr)\(text)"
      )
    }
    return text
  }
}
