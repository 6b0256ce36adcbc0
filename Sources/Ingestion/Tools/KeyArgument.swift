import Foundation
import OnlineStore

/// Parses a KEY argument of the tools: the plain value for a one-column primary key
/// (`u42`, `17`), else a JSON object of the key columns (`{"merchant_id":7,"day":"2026-01-01"}`).
enum KeyArgument {
  static func parse(_ text: String, group: FeatureGroup) throws -> [OnlineValue] {
    let columns = group.keyFeatures
    if columns.count == 1, !text.hasPrefix("{") {
      return [try value(fromText: text, type: columns[0].type, column: columns[0].name)]
    }
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    else {
      throw ToolError.badKey(
        "give a JSON object of the key columns \(group.primaryKey.joined(separator: ", "))")
    }
    return try columns.map { column in
      guard let raw = object[column.name] else {
        throw ToolError.badKey("key column '\(column.name)' is missing")
      }
      if let number = raw as? NSNumber, column.type != .string {
        return try value(fromText: number.stringValue, type: column.type, column: column.name)
      }
      guard let text = raw as? String else {
        throw ToolError.badKey("key column '\(column.name)' must be a \(column.type.rawValue)")
      }
      return try value(fromText: text, type: column.type, column: column.name)
    }
  }

  static func value(fromText text: String, type: FeatureType, column: String) throws -> OnlineValue
  {
    switch type {
    case .string: return .string(text)
    case .bigint:
      guard let number = Int64(text) else {
        throw ToolError.badKey("'\(column)' must be an integer")
      }
      return .bigint(number)
    case .double:
      guard let number = Double(text) else {
        throw ToolError.badKey("'\(column)' must be a number")
      }
      return .double(number)
    case .boolean:
      guard let flag = Bool(text) else {
        throw ToolError.badKey("'\(column)' must be true or false")
      }
      return .boolean(flag)
    case .timestamp:
      guard let micros = Int64(text) else {
        throw ToolError.badKey("'\(column)' must be epoch microseconds")
      }
      return .timestamp(micros)
    }
  }
}
