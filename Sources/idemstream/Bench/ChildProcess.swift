import Foundation

/// A child process started with posix_spawn, so that its peak memory can be read from
/// wait4's rusage — Foundation's Process does not expose it.
final class ChildProcess {
  let pid: pid_t
  let outputURL: URL

  struct Exit {
    let status: Int32
    let output: String
    /// Peak resident set size of the child, in bytes.
    let peakRSS: Int64
    let seconds: Double
  }

  private let started = Date()

  init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
    outputURL = FileManager.default.temporaryDirectory.appendingPathComponent(
      "idemstream-bench-\(UUID().uuidString).out")
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, outputURL.path, O_WRONLY | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var child: pid_t = 0
    let status = posix_spawn(&child, executable, &actions, nil, argv, envp)
    guard status == 0 else {
      throw CommandFailure("cannot start \(executable): \(String(cString: strerror(status)))")
    }
    pid = child
  }

  func signal(_ number: Int32) { kill(pid, number) }

  /// Waits for the child and returns its exit, output and peak memory.
  func wait() -> Exit {
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(at: outputURL)
    let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Exit(
      status: exitStatus, output: output, peakRSS: Int64(usage.ru_maxrss) * 1024,
      seconds: Date().timeIntervalSince(started))
  }

  /// The first line the child printed (the broker's bootstrap address), waiting for it.
  func firstLine(timeout: TimeInterval = 10) -> String? {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if let text = try? String(contentsOf: outputURL, encoding: .utf8),
        let newline = text.firstIndex(of: "\n")
      {
        return String(text[..<newline])
      }
      usleep(20_000)
    }
    return nil
  }

  /// The path of the running idemstream binary, to start its own subcommands.
  static var selfExecutable: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? CommandLine.arguments[0]
  }
}
