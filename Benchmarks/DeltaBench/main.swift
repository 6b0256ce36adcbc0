import Delta
import Foundation

/// delta-bench: measures the Delta module and drives it from separate processes in tests.
///
///   delta-bench open [--versions N] [--checkpoint-interval K] [--runs R] [--table PATH]
///   delta-bench commit [--rows N] [--commits C]
///   delta-bench append --table PATH [--commits C] [--rows N] [--app-id ID]
///                        [--first-offset N]
///   delta-bench crash-before-commit --table PATH
struct Arguments {
  var values: [String: String] = [:]
  let command: String

  init(_ arguments: [String]) throws {
    guard let command = arguments.first else { throw UsageError(message: "missing command") }
    self.command = command
    var index = 1
    while index < arguments.count {
      let flag = arguments[index]
      guard flag.hasPrefix("--"), index + 1 < arguments.count else {
        throw UsageError(message: "expected --flag value at \(flag)")
      }
      values[String(flag.dropFirst(2))] = arguments[index + 1]
      index += 2
    }
  }

  func int(_ name: String, _ fallback: Int) throws -> Int {
    guard let text = values[name] else { return fallback }
    guard let value = Int(text), value > 0 else {
      throw UsageError(message: "--\(name) needs a positive integer")
    }
    return value
  }

  func string(_ name: String) throws -> String {
    guard let value = values[name] else { throw UsageError(message: "--\(name) is required") }
    return value
  }
}

struct UsageError: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}

do {
  let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
  switch arguments.command {
  case "open":
    try BenchCommands.openLargeTable(
      versions: try arguments.int("versions", 10_000),
      checkpointInterval: try arguments.int("checkpoint-interval", 10),
      runs: try arguments.int("runs", 5),
      keep: arguments.values["table"].map { URL(fileURLWithPath: $0) })
  case "commit":
    try BenchCommands.commitLatency(
      rows: try arguments.int("rows", 10_000), commits: try arguments.int("commits", 20))
  case "append":
    try BenchCommands.append(
      table: URL(fileURLWithPath: try arguments.string("table")),
      commits: try arguments.int("commits", 10), rows: try arguments.int("rows", 10),
      appId: arguments.values["app-id"] ?? "delta-bench",
      firstOffset: Int64(try arguments.int("first-offset", 1)))
  case "crash-before-commit":
    try BenchCommands.crashBeforeCommit(table: URL(fileURLWithPath: try arguments.string("table")))
  default:
    throw UsageError(message: "unknown command \(arguments.command)")
  }
} catch {
  FileHandle.standardError.write(Data("delta-bench: \(error)\n".utf8))
  exit(1)
}
