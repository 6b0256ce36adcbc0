import Foundation

/// Runs the interop checks in the project's Python venv (pyarrow, deltalake, confluent-kafka):
/// files we write must be read by libraries nobody here wrote.
public enum Python {
  public struct Failure: Error, CustomStringConvertible {
    public let status: Int32
    public let stderr: String
    public var description: String { "python exited \(status): \(stderr)" }
  }

  /// The interpreter: `IDEMSTREAM_PYTHON`, else `.venv/bin/python` at the package root.
  /// A missing interpreter is an error, never a skip: `make test` creates the venv.
  public static var interpreter: String {
    if let path = ProcessInfo.processInfo.environment["IDEMSTREAM_PYTHON"], !path.isEmpty {
      return path
    }
    return packageRoot.appendingPathComponent(".venv/bin/python").path
  }

  /// The package root, found from this source file's location.
  public static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  /// Runs `code` with `args` (available as `sys.argv[1:]`) and returns its standard output.
  @discardableResult
  public static func run(_ code: String, _ args: [String] = [], stdin: Data? = nil) throws -> String
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: interpreter)
    // End without interpreter teardown once the script is done: pyarrow's thread pools have
    // aborted there ("terminate called without an active exception") after the work was
    // done and printed. An exception in the script still exits non-zero before this line.
    let script = code + "\nimport os as _os, sys as _sys\n_sys.stdout.flush()\n_os._exit(0)\n"
    process.arguments = ["-c", script] + args
    let out = Pipe()
    // stderr goes to a file so that neither pipe can fill up and block the child.
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent(
      "idemstream-py-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errURL) }
    let errHandle = try FileHandle(forWritingTo: errURL)
    defer { try? errHandle.close() }
    process.standardOutput = out
    process.standardError = errHandle
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errData = (try? Data(contentsOf: errURL)) ?? Data()
    guard process.terminationStatus == 0 else {
      throw Failure(
        status: process.terminationStatus, stderr: String(decoding: errData, as: UTF8.self))
    }
    return String(decoding: outData, as: UTF8.self)
  }
}

/// A fresh directory under the system temporary directory, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
  public let url: URL
  public var path: String { url.path }

  public init(_ prefix: String = "idemstream-test") throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  public func remove() { try? FileManager.default.removeItem(at: url) }
}
