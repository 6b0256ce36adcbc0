/// Collects decoded non-null values of one column across pages and row groups.
struct ValueAccumulator {
  let physicalType: ParquetPhysicalType
  private(set) var booleans: [Bool] = []
  private(set) var int32s: [Int32] = []
  private(set) var int64s: [Int64] = []
  private(set) var doubles: [Double] = []
  private(set) var byteArrays = ByteArrayColumn()

  init(_ physicalType: ParquetPhysicalType) throws {
    guard [.boolean, .int32, .int64, .double, .byteArray].contains(physicalType) else {
      throw ParquetError.unsupported("reading \(physicalType) columns")
    }
    self.physicalType = physicalType
  }

  var count: Int {
    switch physicalType {
    case .boolean: return booleans.count
    case .int32: return int32s.count
    case .int64: return int64s.count
    case .double: return doubles.count
    default: return byteArrays.count
    }
  }

  var values: DenseValues {
    switch physicalType {
    case .boolean: return .boolean(booleans)
    case .int32: return .int32(int32s)
    case .int64: return .int64(int64s)
    case .double: return .double(doubles)
    default: return .byteArray(byteArrays)
    }
  }

  /// Appends `count` PLAIN-encoded values from `data`; returns the bytes consumed.
  @discardableResult
  mutating func appendPlain(_ data: UnsafeRawBufferPointer, count: Int) throws -> Int {
    func fixed<T>(_ array: inout [T], zero: T) throws -> Int {
      let size = MemoryLayout<T>.size
      guard count <= data.count / size else {
        throw ParquetError.corrupt("page holds \(data.count) bytes, too few for \(count) values")
      }
      guard count > 0 else { return 0 }
      // Little-endian fixed-width values are copied as one block.
      let start = array.count
      array.append(contentsOf: repeatElement(zero, count: count))
      array.withUnsafeMutableBytes { target in
        (target.baseAddress! + start * size).copyMemory(
          from: data.baseAddress!, byteCount: count * size)
      }
      return count * size
    }
    switch physicalType {
    case .boolean:
      guard (count + 7) / 8 <= data.count else {
        throw ParquetError.corrupt("boolean page too short")
      }
      booleans.reserveAdditional(count)
      for index in 0..<count { booleans.append(data[index >> 3] >> UInt8(index & 7) & 1 == 1) }
      return (count + 7) / 8
    case .int32: return try fixed(&int32s, zero: 0)
    case .int64: return try fixed(&int64s, zero: 0)
    case .double: return try fixed(&doubles, zero: 0)
    default:
      // Every value takes at least its 4-byte length, which bounds a lying count.
      guard count <= data.count / 4 else {
        throw ParquetError.corrupt(
          "page holds \(data.count) bytes, too few for \(count) byte arrays")
      }
      var position = 0
      byteArrays.reserveCapacity(values: count, bytes: data.count - 4 * count)
      for _ in 0..<count {
        guard data.count - position >= 4 else {
          throw ParquetError.corrupt("byte array length past page end")
        }
        let length = Int(data.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian)
        position += 4
        guard length <= data.count - position else {
          throw ParquetError.corrupt("byte array of \(length) bytes past page end")
        }
        byteArrays.append(UnsafeRawBufferPointer(rebasing: data[position..<position + length]))
        position += length
      }
      return position
    }
  }

  mutating func appendBooleans(_ values: [UInt8]) {
    booleans.append(contentsOf: values.lazy.map { $0 != 0 })
  }

  /// Appends `dictionary[index]` for each index (indices already range-checked).
  mutating func appendGathered(_ dictionary: DenseValues, _ indices: [UInt32]) {
    switch dictionary {
    case .boolean(let entries): booleans.append(contentsOf: indices.lazy.map { entries[Int($0)] })
    case .int32(let entries): int32s.append(contentsOf: indices.lazy.map { entries[Int($0)] })
    case .int64(let entries): int64s.append(contentsOf: indices.lazy.map { entries[Int($0)] })
    case .double(let entries): doubles.append(contentsOf: indices.lazy.map { entries[Int($0)] })
    case .byteArray(let entries): byteArrays.appendGathered(from: entries, indices: indices)
    }
  }

  mutating func append(_ other: DenseValues) {
    switch other {
    case .boolean(let values): booleans.append(contentsOf: values)
    case .int32(let values): int32s.append(contentsOf: values)
    case .int64(let values): int64s.append(contentsOf: values)
    case .double(let values): doubles.append(contentsOf: values)
    case .byteArray(let values):
      values.bytes.withUnsafeBytes { bytes in
        for index in 0..<values.count {
          byteArrays.append(
            UnsafeRawBufferPointer(
              rebasing: bytes[Int(values.offsets[index])..<Int(values.offsets[index + 1])]))
        }
      }
    }
  }
}
