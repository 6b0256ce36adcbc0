extension ColumnBuilder {
  /// Appends a cell of `row`; the decoder has already checked it against the column type.
  @inline(__always)
  mutating func append(_ cell: DecodedRow.Cell, of row: DecodedRow) {
    switch cell {
    case .null: appendNull()
    case .bigint(let number), .timestamp(let number): append(int64: number)
    case .double(let number): append(double: number)
    case .boolean(let flag): append(boolean: flag)
    case .string(let start, let count):
      row.withBytes(start: start, count: count) { append(bytes: $0) }
    }
  }
}
