import OnlineStore

/// JSON lines of rows as the tools print them: the primary-key columns, `event_time`
/// (RFC 3339, UTC, microseconds), then every feature, null included (docs/reference.md).
public enum RowJSON {
  public static func line(
    group: FeatureGroup, row: OnlineRow, extra: [(String, String)] = []
  ) -> String {
    var fields: [(String, String)] = []
    for (feature, value) in zip(group.keyFeatures, row.key) {
      fields.append((feature.name, encode(value)))
    }
    fields.append(("event_time", quote(RFC3339.format(micros: row.eventTime))))
    for (feature, value) in zip(group.valueFeatures, row.values) {
      fields.append((feature.name, encode(value)))
    }
    return object(fields + extra)
  }

  /// The row as an object of its columns, in the order `line` prints them.
  public static func object(group: FeatureGroup, row: OnlineRow) -> RowObject {
    RowObject(
      names: group.keyFeatures.map(\.name) + ["event_time"] + group.valueFeatures.map(\.name),
      values: row.key + [.timestamp(row.eventTime)] + row.values)
  }

  /// An entity's key as an object of its key columns.
  public static func keyObject(group: FeatureGroup, key: [OnlineValue]) -> RowObject {
    RowObject(names: group.keyFeatures.map(\.name), values: key)
  }

  public static func object(_ fields: [(String, String)]) -> String {
    "{" + fields.map { "\(quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
  }

  public static func encode(_ value: OnlineValue) -> String {
    switch value {
    case .null: return "null"
    case .bigint(let number): return String(number)
    case .double(let number): return number.isFinite ? String(number) : "null"
    case .string(let text): return quote(text)
    case .boolean(let flag): return flag ? "true" : "false"
    case .timestamp(let micros): return quote(RFC3339.format(micros: micros))
    }
  }

  /// A JSON string literal, escaping what RFC 8259 requires.
  public static func quote(_ text: String) -> String {
    var out = "\""
    out.reserveCapacity(text.utf8.count + 2)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}

/// A row, or an entity's key, as named columns: what a `--json` document holds as a JSON
/// object (not as JSON text inside a string). Its member names are the group's column
/// names, so they are data, spelt as the config spells them.
public struct RowObject: Sendable, Hashable, Encodable {
  public let names: [String]
  public let values: [OnlineValue]

  public init(names: [String], values: [OnlineValue]) {
    self.names = names
    self.values = values
  }

  /// The object as one JSON line, in column order, as the text output prints rows.
  public var text: String { RowJSON.object(Array(zip(names, values.map(RowJSON.encode)))) }

  private struct ColumnKey: CodingKey {
    let stringValue: String
    init(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
  }

  /// Values as `RowJSON.encode` writes them: timestamps as RFC 3339 text, a non-finite
  /// double (which JSON cannot hold) as null.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: ColumnKey.self)
    for (name, value) in zip(names, values) {
      let key = ColumnKey(stringValue: name)
      switch value {
      case .null: try container.encodeNil(forKey: key)
      case .bigint(let number): try container.encode(number, forKey: key)
      case .double(let number) where number.isFinite: try container.encode(number, forKey: key)
      case .double: try container.encodeNil(forKey: key)
      case .string(let text): try container.encode(text, forKey: key)
      case .boolean(let flag): try container.encode(flag, forKey: key)
      case .timestamp(let micros): try container.encode(RFC3339.format(micros: micros), forKey: key)
      }
    }
  }
}
