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
