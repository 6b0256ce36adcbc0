/// Turns a Kafka record value (plus its headers and topic) into a `FeatureWrite`, following
/// docs/reference.md ("Feature writes on Kafka") exactly, or says precisely why it cannot (`DecodeError`).
///
/// The record is read in one pass by `JSONReader` and a `DecodedRow` is filled as the members
/// go by; only when `key` or `values` come before `feature_group` (so their schema is not yet
/// known) are they skipped, remembered and read again at the end. The loop decodes into one
/// reused `DecodedRow`; `FeatureWrite` is made from it for everyone else. The decoder holds
/// only immutable tables, so one instance can be shared by any number of threads.
public struct FeatureWriteDecoder: Sendable {
  /// The Kafka header that may carry the idempotency key instead of the JSON field.
  public static let idempotencyKeyHeader = "idempotency-key"
  /// The Kafka header whose value `delete` makes the write a tombstone (as in Hopsworks).
  public static let operationHeader = "operation"
  /// Longest accepted idempotency key, in UTF-8 bytes.
  public static let maximumIdempotencyKeyBytes = 256

  public let config: IdemstreamConfig
  let schemas: [GroupSchema]
  let topicGroups: [String: Int]

  public init(_ config: IdemstreamConfig) {
    self.config = config
    schemas = config.featureGroups.enumerated().map {
      GroupSchema(index: $0.offset, group: $0.element)
    }
    var bound: [String: Int] = [:]
    for (topic, groupName) in config.kafka.topicGroups {
      if let index = config.featureGroups.firstIndex(where: { $0.name == groupName }) {
        bound[topic] = index
      }
    }
    topicGroups = bound
  }

  /// Decodes a record value given as bytes; `nil` is Kafka's null value.
  public func decode(value: [UInt8]?, headers: [RecordHeader] = [], topic: String)
    throws(DecodeError)
    -> FeatureWrite
  {
    var row = DecodedRow()
    try decode(value: value, headers: headers, topic: topic, into: &row)
    return row.write(groupName: schemas[row.groupIndex].name)
  }

  /// Decodes a record value in place.
  public func decode(value: UnsafeRawBufferPointer, headers: [RecordHeader] = [], topic: String)
    throws(DecodeError) -> FeatureWrite
  {
    var row = DecodedRow()
    try decode(value: value, headers: headers, topic: topic, into: &row)
    return row.write(groupName: schemas[row.groupIndex].name)
  }

  /// Decodes a record value into `row`, reusing its buffers; after an error `row` holds
  /// nothing meaningful.
  func decode(
    value: [UInt8]?, headers: [RecordHeader], topic: String, into row: inout DecodedRow
  ) throws(DecodeError) {
    guard let value else { throw DecodeError(.nullValue, at: "", "the record value is null") }
    let result = value.withUnsafeBytes { bytes in
      Result { () throws(DecodeError) in
        try decode(value: bytes, headers: headers, topic: topic, into: &row)
      }
    }
    try result.get()
  }

  package func decode(
    value: UnsafeRawBufferPointer, headers: [RecordHeader], topic: String,
    into row: inout DecodedRow
  ) throws(DecodeError) {
    let count = value.count
    guard count > 0, let raw = value.baseAddress else {
      throw DecodeError(.emptyValue, at: "", "the record value is empty")
    }
    guard count <= config.maxRecordBytes else {
      throw DecodeError(
        .tooLarge, at: "",
        "the record value is \(count) bytes, over the limit of \(config.maxRecordBytes) (max_record_bytes)"
      )
    }
    let base = raw.assumingMemoryBound(to: UInt8.self)
    do {
      try decodeObject(base: base, count: count, headers: headers, topic: topic, into: &row)
    } catch {
      // A syntax error in a value that is not UTF-8 at all is better reported as the latter.
      if error.reason == .invalidJSON || error.reason == .notAnObject,
        let badByte = firstInvalidUTF8Offset(UnsafeBufferPointer(start: base, count: count))
      {
        throw DecodeError(.notUTF8, at: "byte \(badByte)", "the record value is not UTF-8")
      }
      throw error
    }
  }

  private func decodeObject(
    base: UnsafePointer<UInt8>, count: Int, headers: [RecordHeader], topic: String,
    into row: inout DecodedRow
  ) throws(DecodeError) {
    row.clear()
    var reader = JSONReader(base: base, count: count)
    reader.skipWhitespace()
    guard !reader.isAtEnd else {
      throw DecodeError(.emptyValue, at: "", "the record value is only whitespace")
    }
    guard reader.current == 0x7B else { throw notAnObjectError(&reader) }
    reader.position += 1

    let boundGroup = topicGroups.isEmpty ? nil : topicGroups[topic]
    // `schemas` keeps every schema alive for the whole call, so the hot loop may refer to
    // the current one without reference counting.
    unowned(unsafe) var schema: GroupSchema? = boundGroup.map { schemas[$0] }
    if let schema { row.setGroup(schema) }
    var seen: UInt8 = 0
    var hasKey = false
    var hasValues = false
    var valuesKeyEcho: [(slot: Int, value: DecodedRow.Cell)]? = nil
    var deferredKey = -1
    var deferredValues = -1
    var eventTime: Int64? = nil
    var hasIdempotencyKey = false
    var operation: WriteOperation? = nil

    if try reader.peek("a field name or '}'") == 0x7D {
      reader.position += 1
    } else {
      while true {
        guard try reader.peek("a field name") == 0x22 else {
          throw reader.syntaxError(
            "expected a field name, found \(reader.describeByte(reader.current))")
        }
        let known = TopLevelField.match(
          at: reader.base + reader.position + 1, available: reader.end - reader.position - 1)
        let nameToken: JSONStringToken
        let recognized: TopLevelField?
        if let known {
          nameToken = JSONStringToken(
            start: reader.position + 1, count: known.length, hasEscapes: false)
          reader.position += known.length + 2
          recognized = known.field
        } else {
          nameToken = try reader.readString()
          recognized = TopLevelField(reader: reader, token: nameToken)
        }
        guard let field = recognized else {
          throw DecodeError(
            .unknownField, at: reader.string(of: nameToken),
            "unknown field (a feature write has feature_group, key, event_time, values, idempotency_key, op)"
          )
        }
        guard seen & field.rawValue == 0 else {
          throw DecodeError(.duplicateField, at: field.name, "the field appears more than once")
        }
        seen |= field.rawValue
        try reader.expect(0x3A, "':' after the field name")
        _ = try reader.peek("a value")
        switch field {
        case .featureGroup:
          let named = try readGroup(&reader)
          if let bound = schema {
            guard bound === named else {
              throw DecodeError(
                .unknownFeatureGroup, at: "feature_group",
                "'\(named.group.name)' differs from '\(bound.group.name)', the group topic '\(topic)' is bound to"
              )
            }
          } else {
            schema = named
            row.setGroup(named)
          }
        case .key:
          hasKey = true
          if let schema {
            try readKey(&reader, schema, into: &row)
          } else {
            deferredKey = reader.position
            try reader.skipValue(depth: 1)
          }
        case .values:
          hasValues = true
          if let schema {
            try readValues(&reader, schema, into: &row, keyEcho: &valuesKeyEcho)
          } else {
            deferredValues = reader.position
            try reader.skipValue(depth: 1)
          }
        case .eventTime:
          eventTime = try readTimestamp(&reader, path: "event_time")
        case .idempotencyKey:
          try readIdempotencyKey(&reader, into: &row)
          hasIdempotencyKey = true
        case .operation:
          operation = try readOperation(&reader)
        }
        let next = try reader.peek("',' or '}'")
        reader.position += 1
        if next == 0x2C { continue }
        guard next == 0x7D else {
          reader.position -= 1
          throw reader.syntaxError(
            "expected ',' or '}' after a field, found \(reader.describeByte(next))")
        }
        break
      }
    }
    reader.skipWhitespace()
    guard reader.isAtEnd else {
      throw reader.syntaxError("unexpected data after the JSON object")
    }

    guard let schema else {
      throw DecodeError(
        .missingField, at: "feature_group",
        "missing (required unless the topic '\(topic)' is bound to a group in kafka.topic_groups)")
    }
    if deferredKey >= 0 {
      var again = JSONReader(base: base, count: count, position: deferredKey)
      try readKey(&again, schema, into: &row)
    }
    if deferredValues >= 0 {
      var again = JSONReader(base: base, count: count, position: deferredValues)
      try readValues(&again, schema, into: &row, keyEcho: &valuesKeyEcho)
    }
    guard hasKey else {
      throw DecodeError(.missingField, at: "key", "missing (an object of primary-key columns)")
    }
    guard let eventTime else {
      throw DecodeError(
        .missingField, at: "event_time", "missing (epoch milliseconds or an RFC 3339 string)")
    }
    if let echoes = valuesKeyEcho {
      // Compared as `FeatureValue`s, as a `FeatureWrite` would be (strings by Unicode
      // equivalence, 0.0 equal to -0.0); rare enough not to matter for speed.
      for (slot, echoed) in echoes where row.featureValue(echoed) != row.featureValue(row.key(slot))
      {
        let column = schema.group.primaryKey[slot]
        throw DecodeError(.wrongType, at: "values.\(column)", "differs from key.\(column)")
      }
    }
    let resolvedOperation = try resolveOperation(field: operation, headers: headers)
    let headerKey = try idempotencyKeyFromHeaders(headers)
    if hasIdempotencyKey, let headerKey, row.idempotencyKeyString != headerKey {
      throw DecodeError(
        .invalidIdempotencyKey, at: "idempotency_key", "differs from the idempotency-key header")
    }
    if resolvedOperation == .upsert {
      guard hasValues else {
        throw DecodeError(
          .missingField, at: "values",
          "missing (required for an upsert; op: delete makes a tombstone)")
      }
    } else {
      row.clearValues()
    }
    row.eventTimeMicros = eventTime
    row.operation = resolvedOperation
    let derive = !hasIdempotencyKey && headerKey == nil
    let (fingerprint, derivedKey) = row.withCanonicalBytes(layout: schema.layout) {
      (CanonicalWrite.fingerprint($0), derive ? SHA256.digest($0).hexString : nil)
    }
    row.contentFingerprint = fingerprint
    if var key = derivedKey ?? (hasIdempotencyKey ? nil : headerKey) {
      key.withUTF8 { row.setIdempotencyKey($0) }
    }
    row.idempotencyKeyIsDerived = derive
  }

  /// Why a value that does not start with `{` cannot be taken. The whole value is read, so
  /// that JSON `null` (`null_value`), another JSON value (`not_an_object`, naming its kind)
  /// and text that is not JSON at all (`invalid_json` at the byte where it stops being JSON:
  /// `nul{`, `hello`) are told apart: a producer that sends broken JSON is not told it sent
  /// a JSON value.
  private func notAnObjectError(_ reader: inout JSONReader) -> DecodeError {
    let start = reader.position
    let kind = JSONValueKind(leadingByte: reader.base[start])
    do throws(DecodeError) {
      try reader.skipValue()
      reader.skipWhitespace()
      guard reader.isAtEnd else {
        throw reader.syntaxError("unexpected data after the JSON \(kind?.rawValue ?? "value")")
      }
    } catch  where error.reason == .invalidJSON {
      return DecodeError(
        .invalidJSON, at: error.location, "the record value is not JSON: \(error.detail)")
    } catch {
      // Nested deeper than the reader validates (`too_deep`): judged by its first byte,
      // which a value nested that deep has read as a container's.
    }
    switch kind {
    case .null?: return DecodeError(.nullValue, at: "", "the record value is JSON null")
    case let kind?:
      return DecodeError(
        .notAnObject, at: "", "the record value is a JSON \(kind.rawValue), not an object")
    case nil:
      return DecodeError(
        .invalidJSON, at: "byte \(start)",
        "the record value is not JSON (it starts with \(reader.describeByte(reader.base[start])))")
    }
  }

  private func readGroup(_ reader: inout JSONReader) throws(DecodeError) -> GroupSchema {
    guard reader.current == 0x22 else {
      throw wrongType(&reader, path: "feature_group", expected: "a string")
    }
    let token = try reader.readString()
    let found = try reader.withBytes(of: token) { (bytes) throws(DecodeError) -> GroupSchema? in
      for schema in schemas where schema.nameBytes.count == bytes.count {
        let equal = schema.nameBytes.withUnsafeBufferPointer { stored in
          bytes.isEmpty || memoryEquals(stored.baseAddress!, bytes.baseAddress!, bytes.count)
        }
        if equal { return schema }
      }
      return nil
    }
    guard let found else {
      let known = schemas.map(\.group.name).joined(separator: ", ")
      throw DecodeError(
        .unknownFeatureGroup, at: "feature_group",
        "unknown group '\(reader.string(of: token))' (configured: \(known))")
    }
    return found
  }

  private func readIdempotencyKey(_ reader: inout JSONReader, into row: inout DecodedRow)
    throws(DecodeError)
  {
    guard reader.current == 0x22 else {
      throw wrongType(&reader, path: "idempotency_key", expected: "a string")
    }
    let token = try reader.readString()
    try reader.withBytes(of: token) { (bytes) throws(DecodeError) in
      try checkIdempotencyKey(length: bytes.count, at: "idempotency_key")
      row.setIdempotencyKey(bytes)
    }
  }

  private func checkIdempotencyKey(length: Int, at location: String) throws(DecodeError) {
    guard length >= 1 && length <= FeatureWriteDecoder.maximumIdempotencyKeyBytes else {
      throw DecodeError(
        .invalidIdempotencyKey, at: location,
        "must be 1–\(FeatureWriteDecoder.maximumIdempotencyKeyBytes) bytes, got \(length)")
    }
  }

  private func readOperation(_ reader: inout JSONReader) throws(DecodeError) -> WriteOperation {
    guard reader.current == 0x22 else {
      throw wrongType(&reader, path: "op", expected: "\"upsert\" or \"delete\"")
    }
    let text = reader.string(of: try reader.readString())
    guard let operation = WriteOperation(rawValue: text) else {
      throw DecodeError(
        .invalidOperation, at: "op", "'\(text)' is neither \"upsert\" nor \"delete\"")
    }
    return operation
  }

  private func resolveOperation(field: WriteOperation?, headers: [RecordHeader]) throws(DecodeError)
    -> WriteOperation
  {
    var fromHeader: WriteOperation? = nil
    for header in headers where header.key == FeatureWriteDecoder.operationHeader {
      let text = header.value.map { String(decoding: $0, as: UTF8.self) } ?? ""
      guard let operation = WriteOperation(rawValue: text.lowercased()) else {
        throw DecodeError(
          .invalidOperation, at: "header operation",
          "'\(text)' is neither \"upsert\" nor \"delete\"")
      }
      fromHeader = operation
    }
    if let field, let fromHeader, field != fromHeader {
      throw DecodeError(
        .invalidOperation, at: "op",
        "'\(field.rawValue)' contradicts the header operation: \(fromHeader.rawValue)")
    }
    return field ?? fromHeader ?? .upsert
  }

  private func idempotencyKeyFromHeaders(_ headers: [RecordHeader]) throws(DecodeError) -> String? {
    var found: String? = nil
    for header in headers where header.key == FeatureWriteDecoder.idempotencyKeyHeader {
      let location = "header \(FeatureWriteDecoder.idempotencyKeyHeader)"
      guard let bytes = header.value, let text = String(validating: bytes, as: UTF8.self) else {
        throw DecodeError(.invalidIdempotencyKey, at: location, "must be a UTF-8 string")
      }
      try checkIdempotencyKey(length: text.utf8.count, at: location)
      found = text
    }
    return found
  }

  func wrongType(_ reader: inout JSONReader, path: String, expected: String) -> DecodeError {
    guard let kind = JSONValueKind(leadingByte: reader.current) else {
      return reader.syntaxError("unexpected \(reader.describeByte(reader.current))")
    }
    var shown = kind.rawValue
    if kind == .number, let token = try? reader.readNumber() {
      shown += " " + reader.text(of: token)
    }
    return DecodeError(.wrongType, at: path, "expected \(expected), got \(shown)")
  }
}
