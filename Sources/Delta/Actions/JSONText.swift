/// Writes the JSON of the actions every streaming commit carries (`add`, `txn`,
/// `commitInfo`) and of file statistics, without `JSONEncoder`.
///
/// A streaming writer commits many times a second; Foundation's encoder (boxing every field,
/// then sorting or hashing keys) cost more than the rest of building a commit. The output is
/// what `JSONEncoder` with `.withoutEscapingSlashes` writes, up to key order in free-form
/// objects (sorted here); `ActionCodecTests` decodes both and compares.
struct JSONText {
  private(set) var bytes: [UInt8] = []

  init() { bytes.reserveCapacity(512) }

  mutating func raw(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  /// Bytes that are JSON already (a line `JSONEncoder` wrote).
  mutating func append(_ data: some Sequence<UInt8>) { bytes.append(contentsOf: data) }

  mutating func integer(_ value: Int64) { bytes.append(contentsOf: String(value).utf8) }

  mutating func bool(_ value: Bool) { raw(value ? "true" : "false") }

  /// Non-finite doubles have no JSON form; they are written as null (statistics skip them).
  mutating func double(_ value: Double) {
    guard value.isFinite else { return raw("null") }
    var text = value.description
    if text.hasSuffix(".0") { text.removeLast(2) }
    bytes.append(contentsOf: text.utf8)
  }

  /// A string literal: quote, backslash and control characters escaped; "/" and non-ASCII
  /// text as they are (UTF-8).
  mutating func string(_ value: String) {
    bytes.append(UInt8(ascii: "\""))
    for byte in value.utf8 {
      switch byte {
      case UInt8(ascii: "\""): raw("\\\"")
      case UInt8(ascii: "\\"): raw("\\\\")
      case 0x0A: raw("\\n")
      case 0x0D: raw("\\r")
      case 0x09: raw("\\t")
      case 0x08: raw("\\b")
      case 0x0C: raw("\\f")
      case 0..<0x20:
        let digits = Array("0123456789abcdef".utf8)
        raw("\\u00")
        bytes.append(digits[Int(byte >> 4)])
        bytes.append(digits[Int(byte & 0x0F)])
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  mutating func value(_ value: JSONValue) {
    switch value {
    case .null: raw("null")
    case .bool(let flag): bool(flag)
    case .integer(let number): integer(number)
    case .double(let number): double(number)
    case .string(let text): string(text)
    case .array(let items):
      bytes.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        self.value(item)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let members): object(members)
    }
  }

  /// An object with its keys sorted, so equal objects give equal text.
  mutating func object(_ members: [String: JSONValue]) {
    bytes.append(UInt8(ascii: "{"))
    for (index, key) in members.keys.sorted().enumerated() {
      if index > 0 { bytes.append(UInt8(ascii: ",")) }
      string(key)
      bytes.append(UInt8(ascii: ":"))
      value(members[key]!)
    }
    bytes.append(UInt8(ascii: "}"))
  }

  /// A string map whose nil values are JSON nulls (`partitionValues`, `tags`).
  mutating func stringMap(_ members: [String: String?]) {
    object(members.mapValues { $0.map(JSONValue.string) ?? .null })
  }

  /// `"key":` with a leading comma unless it is the object's first member.
  mutating func key(_ name: StaticString, first: Bool = false) {
    if !first { bytes.append(UInt8(ascii: ",")) }
    bytes.append(UInt8(ascii: "\""))
    raw(name)
    raw("\":")
  }
}

extension JSONText {
  /// `{"add":{...}}`, fields in the order `JSONEncoder` writes them; nil optionals omitted.
  mutating func add(_ file: AddFile) {
    raw("{\"add\":{")
    key("path", first: true)
    string(file.path)
    key("partitionValues")
    stringMap(file.partitionValues)
    key("size")
    integer(file.size)
    key("modificationTime")
    integer(file.modificationTime)
    key("dataChange")
    bool(file.dataChange)
    if let stats = file.stats {
      key("stats")
      string(stats)
    }
    if let tags = file.tags {
      key("tags")
      stringMap(tags)
    }
    raw("}}")
  }

  /// `{"txn":{...}}`.
  mutating func transaction(_ txn: AppTransaction) {
    raw("{\"txn\":{")
    key("appId", first: true)
    string(txn.appId)
    key("version")
    integer(txn.version)
    if let lastUpdated = txn.lastUpdated {
      key("lastUpdated")
      integer(lastUpdated)
    }
    raw("}}")
  }

  /// `{"commitInfo":{...}}`.
  mutating func commitInfo(_ info: [String: JSONValue]) {
    raw("{\"commitInfo\":")
    object(info)
    raw("}")
  }

  /// The `add.stats` string: top-level and nested keys sorted, as the encoder wrote it before.
  mutating func statistics(_ stats: FileStatistics) {
    raw("{")
    key("maxValues", first: true)
    object(stats.maxValues)
    key("minValues")
    object(stats.minValues)
    key("nullCount")
    object(stats.nullCount)
    key("numRecords")
    integer(stats.numRecords)
    raw("}")
  }
}
