import Foundation

/// Reads and writes commit files: newline-delimited JSON, one single-key object per action.
enum ActionCodec {
  /// The keys a commit line may carry; actions of features this module does not use
  /// (`cdc`, `domainMetadata`, …) are skipped, as readers of older protocols must.
  fileprivate struct Envelope: Decodable {
    var add: AddFile?
    var remove: RemoveFile?
    var metaData: TableMetadata?
    var `protocol`: TableProtocol?
    var txn: AppTransaction?
    var commitInfo: [String: JSONValue]?
  }

  /// Parses a whole commit file; any bad line fails the whole commit (never a partial read).
  static func decodeCommit(_ data: Data, version: Int64) throws -> [DeltaAction] {
    let decoder = JSONDecoder()
    var actions: [DeltaAction] = []
    var lineNumber = 0
    for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      lineNumber += 1
      if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
      let envelope: Envelope
      do {
        envelope = try decoder.decode(Envelope.self, from: Data(line))
      } catch {
        throw DeltaError.corruptLogEntry(
          version: version, line: lineNumber, reason: describe(error))
      }
      actions.append(contentsOf: envelope.actions)
    }
    return actions
  }

  /// Serialises actions as a commit file body (each line ends with a newline).
  /// The actions of every streaming commit are written by `JSONText`; the rare ones
  /// (remove, metaData, protocol) by `JSONEncoder`.
  static func encodeCommit(_ actions: [DeltaAction]) throws -> Data {
    var text = JSONText()
    var encoder: JSONEncoder?
    for action in actions {
      switch action {
      case .add(let value): text.add(value)
      case .transaction(let value): text.transaction(value)
      case .commitInfo(let value): text.commitInfo(value)
      case .remove, .metadata, .tableProtocol:
        if encoder == nil {
          encoder = JSONEncoder()
          encoder?.outputFormatting = [.withoutEscapingSlashes]
        }
        text.append(try encodeLine(action, encoder!))
      }
      text.raw("\n")
    }
    return Data(text.bytes)
  }

  private static func encodeLine(_ action: DeltaAction, _ encoder: JSONEncoder) throws -> Data {
    switch action {
    case .add(let value): return try encoder.encode(["add": value])
    case .remove(let value): return try encoder.encode(["remove": value])
    case .metadata(let value): return try encoder.encode(["metaData": value])
    case .tableProtocol(let value): return try encoder.encode(["protocol": value])
    case .transaction(let value): return try encoder.encode(["txn": value])
    case .commitInfo(let value): return try encoder.encode(["commitInfo": value])
    }
  }

  private static func describe(_ error: any Error) -> String {
    switch error {
    case DecodingError.dataCorrupted(let context):
      return "invalid JSON (\(context.debugDescription))"
    case DecodingError.keyNotFound(let key, let context):
      return "missing field \(path(context.codingPath + [key]))"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
      return "wrong type at \(path(context.codingPath)): \(context.debugDescription)"
    default:
      return "\(error)"
    }
  }

  private static func path(_ keys: [any CodingKey]) -> String {
    keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
  }
}

extension ActionCodec.Envelope {
  fileprivate var actions: [DeltaAction] {
    var result: [DeltaAction] = []
    if let add { result.append(.add(add)) }
    if let remove { result.append(.remove(remove)) }
    if let metaData { result.append(.metadata(metaData)) }
    if let value = self.protocol { result.append(.tableProtocol(value)) }
    if let txn { result.append(.transaction(txn)) }
    if let commitInfo { result.append(.commitInfo(commitInfo)) }
    return result
  }
}
