import ArgumentParser
import Foundation
import Ingestion
import Logging

/// `--config` and logging, shared by every command that works on a data dir.
struct ConfigOptions: ParsableArguments {
  @Option(name: .long, help: "The YAML configuration file (see docs/reference.md).")
  var config: String

  @Option(name: .long, help: "Log level: \(LogLevelArgument.accepted).")
  var logLevel: String = "info"

  func validate() throws { _ = try LogLevelArgument.level(logLevel) }

  func load() throws -> IdemstreamConfig {
    do {
      return try IdemstreamConfig.load(path: config)
    } catch {
      throw CommandFailure("\(error)")
    }
  }

  func logger(_ label: String = "idemstream") -> Logger {
    LoggingSetup.bootstrap()
    var logger = Logger(label: label)
    // validate() has refused any other text before a command runs.
    logger.logLevel = (try? LogLevelArgument.level(logLevel)) ?? .info
    return logger
  }
}

/// A `--log-level` value. Taken as text and checked in `validate()`, so that a bad one is a
/// one-line error (ArgumentParser's own refusal of a value adds the usage lines).
enum LogLevelArgument {
  static var accepted: String { Logger.Level.allCases.map(\.rawValue).joined(separator: ", ") }

  static func level(_ text: String) throws -> Logger.Level {
    guard let level = Logger.Level(rawValue: text) else {
      throw CommandFailure("--log-level '\(text)' is not a log level — use one of \(accepted)")
    }
    return level
  }
}

/// A `--metrics-port` value: 1–65535. Checked in `validate()`, as `--log-level` is.
enum PortArgument {
  static func port(_ text: String, flag: String) throws -> Int {
    guard let port = Int(text), (1...65535).contains(port) else {
      throw CommandFailure(
        "\(flag) '\(text)' is not a port — give a whole number from 1 to 65535")
    }
    return port
  }
}

/// `--group` and `--group-version` of the read tools.
struct GroupOptions: ParsableArguments {
  @Option(help: "The feature group.") var group: String
  @Option(
    help: """
      Read this version of the group (default: the config's). Earlier versions' tables stay \
      as they were when the config moved on.
      """)
  var groupVersion: Int?

  /// The stores of `options`' config, with the group at `--group-version` when given.
  func inspector(_ options: ConfigOptions) throws -> StoreInspector {
    var config = try options.load()
    if let groupVersion {
      config = try StoreInspector.config(config, group: group, version: groupVersion)
    }
    return try StoreInspector(config: config)
  }
}

/// Logs go to standard error, so that standard output stays for results and `--json`.
enum LoggingSetup {
  private static let once: Void = {
    LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
  }()

  static func bootstrap() { once }
}

/// A failure with a one-line reason: printed to standard error, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Keys a read tool found nothing for: one line on standard error, exit status 1, the same
/// for `online get` and `offline history` (the rows of the keys found are printed first).
struct AbsentKeys: Error, CustomStringConvertible {
  /// "online" or "offline".
  let store: String
  let group: String
  let keys: [String]
  /// Where the store was read, e.g. " at table version 7"; empty for the online store.
  var place = ""
  let fix: String

  var description: String {
    "no \(store) row of group '\(group)' for \(keys.count == 1 ? "key" : "keys") "
      + "\(keys.joined(separator: ", "))\(place) — \(fix)"
  }
}

/// Whether standard output is a terminal: progress is shown there and nowhere else.
var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

/// Prints one JSON document of an `Encodable` value on standard output.
func printJSON<T: Encodable>(_ value: T) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys]
  print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
