import ArgumentParser
import Foundation
import Ingestion
import Logging

/// `--config` and logging, shared by every command that works on a data dir.
struct ConfigOptions: ParsableArguments {
  @Option(name: .long, help: "The YAML configuration file (see docs/reference.md).")
  var config: String

  @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
  var logLevel: String = "info"

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
    logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
    return logger
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

/// Whether standard output is a terminal: progress is shown there and nowhere else.
var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

/// Prints one JSON document of an `Encodable` value on standard output.
func printJSON<T: Encodable>(_ value: T) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys]
  print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
