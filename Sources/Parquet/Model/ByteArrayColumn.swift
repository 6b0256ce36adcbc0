/// A column of byte strings stored Arrow-style: every value's bytes back to back in one
/// buffer plus `count + 1` offsets, so a million strings cost two allocations, not a million.
public struct ByteArrayColumn: Sendable, Equatable {
  /// All values' bytes, concatenated.
  public private(set) var bytes: [UInt8]
  /// `offsets[i]..<offsets[i + 1]` is value `i` in `bytes`; `offsets[0] == 0`.
  public private(set) var offsets: [Int32]

  public init() {
    bytes = []
    offsets = [0]
  }

  /// Wraps existing buffers; offsets must start at 0, never decrease and end at `bytes.count`.
  public init(bytes: [UInt8], offsets: [Int32]) throws {
    guard let first = offsets.first, first == 0, Int(offsets[offsets.count - 1]) == bytes.count
    else { throw ParquetError.invalidArgument("byte array offsets must run from 0 to bytes.count") }
    for index in 1..<offsets.count where offsets[index] < offsets[index - 1] {
      throw ParquetError.invalidArgument("byte array offsets decrease at \(index)")
    }
    self.bytes = bytes
    self.offsets = offsets
  }

  /// Builds a column from strings (UTF-8).
  public init<S: Sequence>(strings: S) where S.Element == String {
    self.init()
    for string in strings { append(string) }
  }

  init(uncheckedBytes bytes: [UInt8], offsets: [Int32]) {
    self.bytes = bytes
    self.offsets = offsets
  }

  public var count: Int { offsets.count - 1 }

  /// Reserves room for `values` more values holding `bytes` more bytes in total.
  public mutating func reserveCapacity(values: Int, bytes byteCount: Int) {
    offsets.reserveAdditional(values)
    bytes.reserveAdditional(byteCount)
  }

  public mutating func append(_ string: String) {
    var string = string
    string.withUTF8 { append(UnsafeRawBufferPointer($0)) }
  }

  public mutating func append<C: Collection>(bytes value: C) where C.Element == UInt8 {
    bytes.append(contentsOf: value)
    offsets.append(Int32(bytes.count))
  }

  public mutating func append(_ value: UnsafeRawBufferPointer) {
    bytes.append(contentsOf: value)
    offsets.append(Int32(bytes.count))
  }

  /// Appends `dictionary[index]` for each of `indices` (every index must be in range).
  ///
  /// Sized once and filled by copying, instead of `append` per value: a dictionary-encoded
  /// page of short strings is decoded at the speed of the copies, not of a million
  /// bounds-checked appends to two growing arrays.
  public mutating func appendGathered(from dictionary: ByteArrayColumn, indices: [UInt32]) {
    dictionary.offsets.withUnsafeBufferPointer { entryOffsets in
      var total = 0
      for index in indices {
        total += Int(entryOffsets[Int(index) + 1] &- entryOffsets[Int(index)])
      }
      let byteStart = bytes.count
      let offsetStart = offsets.count
      bytes.append(contentsOf: repeatElement(0, count: total))
      offsets.append(contentsOf: repeatElement(0, count: indices.count))
      dictionary.bytes.withUnsafeBufferPointer { source in
        bytes.withUnsafeMutableBufferPointer { target in
          offsets.withUnsafeMutableBufferPointer { ends in
            var position = byteStart
            for (slot, index) in indices.enumerated() {
              let start = Int(entryOffsets[Int(index)])
              let length = Int(entryOffsets[Int(index) + 1]) - start
              if length > 0 {
                (target.baseAddress! + position).update(
                  from: source.baseAddress! + start, count: length)
              }
              position += length
              ends[offsetStart + slot] = Int32(position)
            }
          }
        }
      }
    }
  }

  /// Appends an empty value (the placeholder for a null slot).
  public mutating func appendEmpty() {
    offsets.append(offsets[offsets.count - 1])
  }

  public subscript(index: Int) -> ArraySlice<UInt8> {
    bytes[Int(offsets[index])..<Int(offsets[index + 1])]
  }

  /// Value `index` decoded as UTF-8 (invalid sequences become U+FFFD).
  public func string(at index: Int) -> String {
    bytes.withUnsafeBufferPointer { buffer in
      let start = Int(offsets[index])
      let end = Int(offsets[index + 1])
      return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
    }
  }

  /// All values as strings.
  public var strings: [String] { (0..<count).map { string(at: $0) } }

  /// Values `range` as a new column.
  public func slice(_ range: Range<Int>) -> ByteArrayColumn {
    let base = offsets[range.lowerBound]
    let newBytes = Array(bytes[Int(base)..<Int(offsets[range.upperBound])])
    var newOffsets = [Int32]()
    newOffsets.reserveCapacity(range.count + 1)
    for index in range.lowerBound...range.upperBound { newOffsets.append(offsets[index] - base) }
    return ByteArrayColumn(uncheckedBytes: newBytes, offsets: newOffsets)
  }
}
