import Delta
import Foundation

/// The rows of a CSV file (RFC 4180: a header line, commas, double quotes around fields that
/// hold commas, quotes or line breaks) or of a JSON lines file (one flat object per line),
/// as cells, read line by line.
enum TextRows {
  /// One cell as the text gave it. `text` keeps the cell's own spelling (a CSV field as
  /// written, a JSON number as its literal), which a string column takes as it is.
  enum Cell {
    case null
    case integer(Int64, text: String)
    case number(Double, text: String)
    case boolean(Bool)
    case text(String)

    var text: String {
      switch self {
      case .null: return "null"
      case .integer(_, let text), .number(_, let text): return text
      case .boolean(let flag): return flag ? "true" : "false"
      case .text(let text): return text
      }
    }

    /// A CSV field: empty is null; `true`/`false`, integers and numbers are typed.
    init(csv field: String, quoted: Bool) {
      if field.isEmpty && !quoted {
        self = .null
      } else if field == "true" || field == "false" {
        self = .boolean(field == "true")
      } else if let integer = Int64(field) {
        self = .integer(integer, text: field)
      } else if let number = Double(field), number.isFinite, field.first != "+" {
        self = .number(number, text: field)
      } else {
        self = .text(field)
      }
    }

    /// The cell as a value of `type`; nil when it is not one (null is a value of every type).
    /// A timestamp is epoch milliseconds or an RFC 3339 string, as in a feature write.
    func value(as type: FeatureType) -> FeatureValue? {
      if case .null = self { return .null }
      switch (type, self) {
      case (.string, _): return .string(text)
      case (.bigint, .integer(let value, _)): return .bigint(value)
      case (.double, .integer(let value, _)): return .double(Double(value))
      case (.double, .number(let value, _)): return .double(value)
      case (.boolean, .boolean(let flag)): return .boolean(flag)
      case (.timestamp, .integer(let millis, _)):
        return TimestampParser.micros(fromEpochMillis: millis).map(FeatureValue.timestamp)
      case (.timestamp, .text(let text)):
        guard case .success(let micros) = TimestampParser.micros(fromRFC3339: text) else {
          return nil
        }
        return .timestamp(micros)
      default: return nil
      }
    }
  }

  /// The column names: a CSV file's header line; a JSON lines file's keys, in the order
  /// first seen over the whole file.
  static func header(path: String, format: EntityFile.Format) throws -> [String] {
    var names: [String] = []
    var known = Set<String>()
    try forEachLine(path: path) { number, line in
      if format == .csv {
        names = try fields(of: line, path: path, line: number).map(\.0)
        return false
      }
      for name in try object(line, path: path, line: number).keys.sorted()
      where known.insert(name).inserted {
        names.append(name)
      }
      return true
    }
    return names
  }

  /// Calls `body` with each data row's cells, one per name in `columns` (a JSON key that is
  /// absent is null).
  static func forEachRow(
    path: String, format: EntityFile.Format, columns: [String],
    _ body: (_ line: Int, _ cells: [Cell]) throws -> Void
  ) throws {
    let positions = Dictionary(
      columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    try forEachLine(path: path) { number, line in
      if format == .csv {
        if number == 1 { return true }
        let parsed = try fields(of: line, path: path, line: number)
        guard parsed.count == columns.count else {
          throw ToolError.badEntities(
            path, "line \(number) has \(parsed.count) fields; the header has \(columns.count)")
        }
        try body(number, parsed.map { Cell(csv: $0.0, quoted: $0.1) })
        return true
      }
      var cells = [Cell](repeating: .null, count: columns.count)
      for (name, cell) in try object(line, path: path, line: number) {
        if let position = positions[name] { cells[position] = cell }
      }
      try body(number, cells)
      return true
    }
  }

  /// Each line (1-based number, text) until `body` returns false; a CSV field's quoted line
  /// breaks are kept inside its line. Blank lines are skipped.
  private static func forEachLine(path: String, _ body: (Int, String) throws -> Bool) throws {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw ToolError.badEntities(path, "cannot open the file")
    }
    defer { try? handle.close() }
    var pending = Data()
    var number = 0
    var record = ""
    var recordStart = 0
    func emit(_ text: String) throws -> Bool {
      number += 1
      if record.isEmpty { recordStart = number }
      record += record.isEmpty ? text : "\n" + text
      // An odd count of quotes: a quoted field runs on to the next line.
      guard record.utf8.reduce(0, { $0 + ($1 == UInt8(ascii: "\"") ? 1 : 0) }) % 2 == 0 else {
        return true
      }
      defer { record = "" }
      let line = record.hasSuffix("\r") ? String(record.dropLast()) : record
      if line.isEmpty { return true }
      return try body(recordStart, line)
    }
    while true {
      let chunk = handle.readData(ofLength: 1 << 20)
      if chunk.isEmpty { break }
      pending.append(chunk)
      while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        let text = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
        pending.removeSubrange(pending.startIndex...newline)
        if try !emit(text) { return }
      }
    }
    if !pending.isEmpty { _ = try emit(String(decoding: pending, as: UTF8.self)) }
    if !record.isEmpty {
      throw ToolError.badEntities(path, "line \(recordStart): a quoted field is never closed")
    }
  }

  /// A CSV line's fields, each with whether it was quoted.
  private static func fields(of line: String, path: String, line number: Int) throws -> [(
    String, Bool
  )] {
    var fields: [(String, Bool)] = []
    var field = ""
    var quoted = false
    var inQuotes = false
    var characters = line.makeIterator()
    var previousWasQuote = false
    while let character = characters.next() {
      if inQuotes {
        if character == "\"" {
          inQuotes = false
          previousWasQuote = true
        } else {
          field.append(character)
        }
        continue
      }
      switch character {
      case "\"":
        if previousWasQuote {
          field.append("\"")  // "" inside quotes
          inQuotes = true
        } else if field.isEmpty && !quoted {
          inQuotes = true
          quoted = true
        } else {
          throw ToolError.badEntities(path, "line \(number): a quote inside an unquoted field")
        }
      case ",":
        fields.append((field, quoted))
        field = ""
        quoted = false
      default:
        field.append(character)
      }
      previousWasQuote = false
    }
    fields.append((field, quoted))
    return fields
  }

  private static func object(_ line: String, path: String, line number: Int) throws
    -> [String: Cell]
  {
    let bad = ToolError.badEntities(
      path, "line \(number) is not a flat JSON object (values: strings, numbers, booleans, null)")
    guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(line.utf8))
    else { throw bad }
    return try object.mapValues { value -> Cell in
      switch value {
      case .null: return .null
      case .bool(let flag): return .boolean(flag)
      case .integer(let integer): return .integer(integer, text: String(integer))
      case .double(let number): return .number(number, text: "\(number)")
      case .string(let text): return .text(text)
      case .array, .object: throw bad
      }
    }
  }
}
