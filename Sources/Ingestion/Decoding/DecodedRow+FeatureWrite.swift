/// Between a `DecodedRow` and a `FeatureWrite`, which hold the same content.
extension DecodedRow {
  /// `write`'s content in row form: how a `FeatureWrite` gets its canonical form.
  init(_ write: FeatureWrite) {
    self.init()
    setGroup(write.groupIndex, keyCount: write.key.count, valueCount: write.values.count)
    for (slot, value) in write.key.enumerated() { setKey(slot, cell(of: value)) }
    for (slot, value) in write.values.enumerated() { setValue(slot, cell(of: value)) }
    eventTimeMicros = write.eventTimeMicros
    operation = write.operation
    var key = write.idempotencyKey
    key.withUTF8 { setIdempotencyKey($0) }
    idempotencyKeyIsDerived = write.idempotencyKeyIsDerived
    contentFingerprint = write.contentFingerprint
  }

  private mutating func cell(of value: FeatureValue) -> Cell {
    switch value {
    case .null: return .null
    case .bigint(let number): return .bigint(number)
    case .double(let number): return .double(number)
    case .boolean(let flag): return .boolean(flag)
    case .timestamp(let micros): return .timestamp(micros)
    case .string(var text): return text.withUTF8 { appendString($0) }
    }
  }

  /// A cell as `FeatureWrite` holds it.
  func featureValue(_ cell: Cell) -> FeatureValue {
    switch cell {
    case .null: return .null
    case .bigint(let number): return .bigint(number)
    case .double(let number): return .double(number)
    case .boolean(let flag): return .boolean(flag)
    case .timestamp(let micros): return .timestamp(micros)
    case .string(let start, let count):
      return .string(withBytes(start: start, count: count) { String(decoding: $0, as: UTF8.self) })
    }
  }

  var idempotencyKeyString: String { withIdempotencyKey { String(decoding: $0, as: UTF8.self) } }

  /// The row as a value of its own.
  func write(groupName: String) -> FeatureWrite {
    FeatureWrite(
      groupIndex: groupIndex, groupName: groupName,
      key: (0..<keyCount).map { featureValue(key($0)) },
      eventTimeMicros: eventTimeMicros, operation: operation,
      values: (0..<valueCount).map { featureValue(value($0)) },
      idempotencyKey: idempotencyKeyString, idempotencyKeyIsDerived: idempotencyKeyIsDerived,
      contentFingerprint: contentFingerprint)
  }
}
