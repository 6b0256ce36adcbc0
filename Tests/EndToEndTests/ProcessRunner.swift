import Foundation
import TestSupport

/// Runs the built `idemstream` binary as a user would, and collects what it printed.
struct CommandResult {
  let status: Int32
  let stdout: String
  let stderr: String
}

enum Idemstream {
  /// The debug binary built by `swift build --build-tests` (which `make test` runs first).
  static var binary: String {
    if let path = ProcessInfo.processInfo.environment["IDEMSTREAM_BINARY"], !path.isEmpty {
      return path
    }
    return Python.packageRoot.appendingPathComponent(".build/debug/idemstream").path
  }

  /// Runs `idemstream args...` to completion.
  @discardableResult
  static func run(
    _ args: [String], stdin: Data? = nil, environment: [String: String] = [:],
    currentDirectory: String? = nil
  ) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = args
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    if let currentDirectory {
      process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory)
    }
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent(
      "idemstream-e2e-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errURL) }
    let errHandle = try FileHandle(forWritingTo: errURL)
    defer { try? errHandle.close() }
    let out = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = errHandle
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errData = (try? Data(contentsOf: errURL)) ?? Data()
    return CommandResult(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// Starts `idemstream args...` in the background; the caller ends it.
  static func start(_ args: [String], environment: [String: String] = [:]) throws
    -> BackgroundProcess
  {
    try BackgroundProcess(binary: binary, args: args, environment: environment)
  }
}

/// A process left running: the embedded broker, or a service to be killed mid-batch.
final class BackgroundProcess: @unchecked Sendable {
  let process = Process()
  private let out = Pipe()
  let errURL: URL

  init(binary: String, args: [String], environment: [String: String]) throws {
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = args
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    errURL = FileManager.default.temporaryDirectory.appendingPathComponent(
      "idemstream-bg-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    process.standardOutput = out
    process.standardError = try FileHandle(forWritingTo: errURL)
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }

  /// Reads one line of standard output (the broker prints its bootstrap address first).
  func readLine() -> String? {
    var bytes: [UInt8] = []
    let handle = out.fileHandleForReading
    while true {
      let chunk = handle.readData(ofLength: 1)
      guard let byte = chunk.first else {
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
      }
      if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
      bytes.append(byte)
    }
  }

  var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

  func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

  /// Waits for the process to exit and returns its status.
  func wait() -> Int32 {
    process.waitUntilExit()
    return process.terminationStatus
  }

  func stop() {
    if process.isRunning {
      kill(process.processIdentifier, SIGTERM)
      process.waitUntilExit()
    }
    try? FileManager.default.removeItem(at: errURL)
  }

  deinit { stop() }
}

/// The embedded broker as a child process, the way users and `demo` start it.
final class EmbeddedBrokerProcess {
  let process: BackgroundProcess
  let bootstrap: String

  init(partitions: Int, topic: String = "features") throws {
    process = try Idemstream.start(["broker", "--partitions", "\(partitions)", "--topic", topic])
    guard let line = process.readLine(), !line.isEmpty else {
      throw BrokerDidNotStart(stderr: process.stderr)
    }
    bootstrap = line.trimmingCharacters(in: .whitespaces)
  }

  struct BrokerDidNotStart: Error { let stderr: String }

  func stop() { process.stop() }
}
