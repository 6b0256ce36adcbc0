/// Reading the `key` and `values` objects and the typed column values inside them.
extension FeatureWriteDecoder {
  /// Reads `key` into `row`'s key cells (null until now): every primary-key column, typed,
  /// none null, nothing else.
  func readKey(_ reader: inout JSONReader, _ schema: GroupSchema, into row: inout DecodedRow)
    throws(DecodeError)
  {
    guard reader.current == 0x7B else {
      throw wrongType(&reader, path: "key", expected: "an object of primary-key columns")
    }
    reader.position += 1
    var named = ColumnSet()
    var filled = 0
    var hint = schema.firstKeyColumn
    if try reader.peek("a column name or '}'") == 0x7D {
      reader.position += 1
    } else {
      while true {
        let (token, index) = try readColumnName(&reader, schema, hint: hint, object: "key")
        guard let index, schema.columns[index].isKey else {
          let primaryKey = schema.group.primaryKey.joined(separator: ", ")
          throw DecodeError(
            .unknownFeature, at: "key.\(reader.string(of: token))",
            "not a primary-key column of \(schema.name) (primary key: \(primaryKey))")
        }
        guard named.insert(index) else {
          throw DecodeError(
            .duplicateField, at: "key.\(reader.string(of: token))",
            "the column appears more than once")
        }
        let column = schema.columns[index]
        let value = try readValue(&reader, column.type, object: "key", token: token, into: &row)
        if value.isNull {
          throw DecodeError(
            .wrongType, at: "key.\(reader.string(of: token))", "a primary-key value cannot be null")
        }
        row.setKey(column.slot, value)
        filled += 1
        hint = index + 1
        if try endOfMember(&reader) { break }
      }
    }
    if filled < schema.keyCount {
      let missing =
        schema.group.primaryKey.enumerated().first { row.key($0.offset).isNull }?.element ?? ""
      throw DecodeError(.missingKeyColumn, at: "key.\(missing)", "missing primary-key column")
    }
  }

  /// Reads `values` into `row`'s value cells (null until now): features by name in any
  /// order, a feature left out staying null. A primary-key column repeated here is collected
  /// in `keyEcho` to be checked against `key`.
  func readValues(
    _ reader: inout JSONReader, _ schema: GroupSchema, into row: inout DecodedRow,
    keyEcho: inout [(slot: Int, value: DecodedRow.Cell)]?
  ) throws(DecodeError) {
    guard reader.current == 0x7B else {
      throw wrongType(&reader, path: "values", expected: "an object of features")
    }
    reader.position += 1
    var named = ColumnSet()
    var hint = schema.firstValueColumn
    if try reader.peek("a feature name or '}'") == 0x7D {
      reader.position += 1
      return
    }
    while true {
      let (token, index) = try readColumnName(&reader, schema, hint: hint, object: "values")
      guard let index else {
        throw DecodeError(
          .unknownFeature, at: "values.\(reader.string(of: token))",
          "not a feature of \(schema.name)")
      }
      guard named.insert(index) else {
        throw DecodeError(
          .duplicateField, at: "values.\(reader.string(of: token))",
          "the feature appears more than once")
      }
      let column = schema.columns[index]
      let value = try readValue(&reader, column.type, object: "values", token: token, into: &row)
      if column.isKey {
        if keyEcho == nil { keyEcho = [] }
        keyEcho!.append((column.slot, value))
      } else {
        row.setValue(column.slot, value)
      }
      hint = index + 1
      if try endOfMember(&reader) { break }
    }
  }

  /// Reads `"name":` in `key` or `values` and looks the column up.
  @inline(__always)
  private func readColumnName(
    _ reader: inout JSONReader, _ schema: GroupSchema, hint: Int, object: StaticString
  ) throws(DecodeError) -> (JSONStringToken, Int?) {
    guard try reader.peek("a column name") == 0x22 else {
      throw reader.syntaxError(
        "expected a column name in \(object), found \(reader.describeByte(reader.current))")
    }
    let token: JSONStringToken
    let index: Int?
    if let hinted = schema.matchName(
      at: reader.base + reader.position + 1, available: reader.end - reader.position - 1,
      column: hint)
    {
      // The column expected next, spelled exactly: no need to scan or look it up.
      token = JSONStringToken(start: reader.position + 1, count: hinted, hasEscapes: false)
      reader.position += hinted + 2
      index = hint
    } else {
      token = try reader.readString()
      index = try reader.withBytes(of: token) { (bytes) throws(DecodeError) -> Int? in
        schema.find(bytes, hint: hint)
      }
    }
    try reader.expect(0x3A, "':' after the column name")
    _ = try reader.peek("a value")
    return (token, index)
  }

  /// Consumes `,` (false: another member follows) or `}` (true: the object ended).
  @inline(__always)
  private func endOfMember(_ reader: inout JSONReader) throws(DecodeError) -> Bool {
    let next = try reader.peek("',' or '}'")
    reader.position += 1
    if next == 0x2C { return false }
    if next == 0x7D { return true }
    reader.position -= 1
    throw reader.syntaxError("expected ',' or '}', found \(reader.describeByte(next))")
  }

  /// Reads one column value of `type` (or null) at the reader's position; a string's bytes
  /// go into `row`.
  @inline(__always)
  private func readValue(
    _ reader: inout JSONReader, _ type: FeatureType, object: StaticString, token: JSONStringToken,
    into row: inout DecodedRow
  ) throws(DecodeError) -> DecodedRow.Cell {
    let byte = reader.current
    if byte == 0x6E {
      _ = try reader.readLiteral()
      return .null
    }
    switch type {
    case .string:
      if byte == 0x22 {
        let text = try reader.readString()
        return try reader.withBytes(of: text) { row.appendString($0) }
      }
    case .bigint:
      if byte == 0x2D || byte &- 0x30 < 10 {
        let number = try reader.readNumber()
        if let integer = reader.int64(of: number) { return .bigint(integer) }
        let path = "\(object).\(reader.string(of: token))"
        if number.isIntegerLiteral {
          throw DecodeError(
            .outOfRange, at: path, "\(reader.text(of: number)) is outside the bigint (64-bit) range"
          )
        }
        throw DecodeError(
          .wrongType, at: path, "expected bigint, got number \(reader.text(of: number))")
      }
    case .double:
      if byte == 0x2D || byte &- 0x30 < 10 {
        let number = try reader.readNumber()
        if let double = reader.double(of: number) { return .double(double) }
        throw DecodeError(
          .outOfRange, at: "\(object).\(reader.string(of: token))",
          "\(reader.text(of: number)) is outside the double range")
      }
    case .boolean:
      if byte == 0x74 || byte == 0x66, let flag = try reader.readLiteral() { return .boolean(flag) }
    case .timestamp:
      if byte == 0x22 || byte == 0x2D || byte &- 0x30 < 10 {
        let names = reader
        return .timestamp(try readTimestamp(&reader, path: "\(object).\(names.string(of: token))"))
      }
    }
    throw wrongType(&reader, path: "\(object).\(reader.string(of: token))", expected: type.rawValue)
  }

  /// Reads a timestamp: integer epoch milliseconds or an RFC 3339 string.
  func readTimestamp(_ reader: inout JSONReader, path: @autoclosure () -> String)
    throws(DecodeError) -> Int64
  {
    let byte = reader.current
    if byte == 0x22 {
      let token = try reader.readString()
      let parsed = try reader.withBytes(of: token) { (bytes) throws(DecodeError) in
        TimestampParser.micros(fromRFC3339: bytes)
      }
      switch parsed {
      case .success(let micros): return micros
      case .failure(let problem):
        throw DecodeError(
          .invalidTimestamp, at: path(), "'\(reader.string(of: token))': \(problem)")
      }
    }
    if byte == 0x2D || byte &- 0x30 < 10 {
      let number = try reader.readNumber()
      guard number.isIntegerLiteral else {
        throw DecodeError(
          .wrongType, at: path(),
          "expected integer epoch milliseconds or an RFC 3339 string, got number \(reader.text(of: number))"
        )
      }
      guard let millis = reader.int64(of: number),
        let micros = TimestampParser.micros(fromEpochMillis: millis)
      else {
        throw DecodeError(
          .outOfRange, at: path(),
          "\(reader.text(of: number)) epoch milliseconds is outside years 0001–9999")
      }
      return micros
    }
    throw wrongType(&reader, path: path(), expected: "epoch milliseconds or an RFC 3339 string")
  }
}
