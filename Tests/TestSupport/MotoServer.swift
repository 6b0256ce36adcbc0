import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A real S3 server for tests: `moto_server` (PyPI `moto[server]`, pinned in the Makefile,
/// beside the venv's interpreter) on a free loopback port, with one bucket. Stopped by
/// `stop()` or when the value goes away. A missing moto_server is an error, never a skip.
public final class MotoServer: @unchecked Sendable {
  public let port: Int
  public let bucket: String
  public var endpoint: String { "http://127.0.0.1:\(port)" }
  /// Credentials moto takes (it checks none); set for every child process too.
  public static let accessKey = "idemstream-test"
  public static let secretKey = "idemstream-test-secret"
  public static let region = "us-east-1"

  private var process: Process?
  private let logURL: URL

  /// Environment for a child that talks to this server (credentials and region).
  public var environment: [String: String] {
    [
      "AWS_ACCESS_KEY_ID": Self.accessKey, "AWS_SECRET_ACCESS_KEY": Self.secretKey,
      "AWS_REGION": Self.region, "AWS_DEFAULT_REGION": Self.region,
    ]
  }

  public init(bucket: String = "idemstream-test") throws {
    self.bucket = bucket
    port = try Self.freePort()
    logURL = FileManager.default.temporaryDirectory.appendingPathComponent(
      "idemstream-moto-\(UUID().uuidString).log")
    try start()
    try Python.run(
      """
      import boto3, sys
      s3 = boto3.client('s3', endpoint_url=sys.argv[1], aws_access_key_id='\(Self.accessKey)',
          aws_secret_access_key='\(Self.secretKey)', region_name='\(Self.region)')
      s3.create_bucket(Bucket=sys.argv[2])
      """, [endpoint, bucket])
  }

  deinit { stop() }

  /// The moto_server script beside the interpreter.
  public static var executable: String {
    URL(fileURLWithPath: Python.interpreter).deletingLastPathComponent()
      .appendingPathComponent("moto_server").path
  }

  private func start() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.executable)
    process.arguments = ["-H", "127.0.0.1", "-p", "\(port)"]
    _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
    let log = try FileHandle(forWritingTo: logURL)
    process.standardOutput = log
    process.standardError = log
    try process.run()
    self.process = process
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
      if Self.accepts(port) { return }
      if !process.isRunning { break }
      Thread.sleep(forTimeInterval: 0.1)
    }
    stop()
    let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    throw Python.Failure(status: -1, stderr: "moto_server did not start on \(port): \(text)")
  }

  /// Holds the server still (SIGSTOP): connections are accepted by the kernel and then
  /// nothing answers, as with a server that hangs.
  public func pause() { if let process { kill(process.processIdentifier, SIGSTOP) } }
  public func resume() { if let process { kill(process.processIdentifier, SIGCONT) } }

  public func stop() {
    guard let process else { return }
    self.process = nil
    kill(process.processIdentifier, SIGCONT)
    process.terminate()
    process.waitUntilExit()
    try? FileManager.default.removeItem(at: logURL)
  }

  static func accepts(_ port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }

  /// A port the kernel just handed out on loopback (bound to 0, read back, released).
  public static func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
      }
    }
    guard bound else { throw Python.Failure(status: -1, stderr: "no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}
