import Foundation
import Parquet
import TestSupport
import XCTest

/// Damaged files — truncated, bytes flipped, lengths and counts overwritten with lies —
/// must end in a typed `ParquetError` (or, where the damage hits plain value bytes, in
/// different values), never a crash or a hang.
final class CorruptInputTests: XCTestCase {
  /// Valid files of every layout the reader handles.
  private func baseFiles(in directory: TemporaryDirectory) throws -> [String] {
    var paths: [String] = []
    var undamaged: [PyArrowCheck.File] = []
    var data = RandomData(seed: 7)
    let flat = try ParquetSchema([
      .string("s", nullable: true), .int64("i"), .double("d", nullable: true),
      .boolean("b", nullable: true),
      .int32("n", nullable: true),
    ])
    let columns = [
      data.column(.string, nullable: true, rows: 300),
      data.column(.int64, nullable: false, rows: 300),
      data.column(.double, nullable: true, rows: 300),
      data.column(.boolean, nullable: true, rows: 300),
      data.column(.int32, nullable: true, rows: 300),
    ]
    let layouts: [(ParquetCompression, Bool, ParquetWriterOptions.DataPageVersion)] = [
      (.zstd, true, .v1), (.snappy, false, .v2), (.uncompressed, true, .v2),
      (.uncompressed, false, .v1),
    ]
    for (index, layout) in layouts.enumerated() {
      var options = ParquetWriterOptions(compression: layout.0, dictionaryEnabled: layout.1)
      options.dataPageVersion = layout.2
      options.dataPageSize = 512
      options.maxRowsPerRowGroup = 120
      let path = directory.path + "/base-\(index).parquet"
      let writer = try ParquetWriter(path: path, schema: flat, options: options)
      try writer.write(rowGroup: columns)
      try writer.close()
      paths.append(path)
      undamaged.append(PyArrowCheck.File(path: path, schema: flat, columns: columns))
    }
    try PyArrowCheck.assertReads(undamaged)
    let path = directory.path + "/base-checkpoint.parquet"
    let writer = try ParquetWriter(
      path: path, schema: try CheckpointSchemaTests.checkpointSchema(),
      options: ParquetWriterOptions(compression: .uncompressed))
    let rows = (0..<40).map { _ in data.checkpointRow() }
    try writer.write(rows: rows)
    try writer.close()
    paths.append(path)
    let pyarrow = try JSONSerialization.jsonObject(
      with: Data(try Python.run(CheckpointSchemaTests.dumpRows, [path]).utf8))
    let expected = CheckpointSchemaTests.normalized(
      rows, try CheckpointSchemaTests.checkpointSchema())
    XCTAssertEqual(pyarrow as? NSArray, expected.map(JSONRendering.object) as NSArray)
    return paths
  }

  /// Opens and fully reads `path`; returns the error, if any. Fails on untyped errors.
  private func readEverything(_ path: String) -> ParquetError? {
    do {
      let reader = try ParquetReader(path: path)
      if reader.schema.isFlat {
        for index in reader.schema.columns.indices { _ = try reader.readColumn(index) }
      } else {
        _ = try reader.readRows()
      }
      return nil
    } catch let error as ParquetError {
      return error
    } catch {
      XCTFail("\(path): untyped error \(error)")
      return nil
    }
  }

  func testThousandsOfDamagedFilesGiveTypedErrors() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var random = SplitMix64(seed: 2024)
    var cases = 0
    var failures = 0
    let started = Date()
    for base in try baseFiles(in: directory) {
      XCTAssertNil(readEverything(base), "undamaged \(base) must read")
      let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: base)))
      let footerLength = Int(original[original.count - 8]) | Int(original[original.count - 7]) << 8
      for variant in 0..<300 {
        var bytes = original
        switch variant % 6 {
        case 0:
          bytes.removeLast(Int.random(in: 1..<bytes.count, using: &random))
        case 1:
          for _ in 0..<Int.random(in: 1...4, using: &random) {
            bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8.random(
              in: 1...255, using: &random)
          }
        case 2:
          // Damage inside the footer, where every byte is a length, count or tag.
          let position = bytes.count - 8 - Int.random(in: 1...footerLength, using: &random)
          bytes[position] ^= 1 << UInt8.random(in: 0...7, using: &random)
        case 3:
          // A lying 32-bit length or count anywhere (page headers, level lengths, strings).
          let position = Int.random(in: 0..<(bytes.count - 4), using: &random)
          let lie = [UInt32.max, 0x7FFF_FFFF, 0x8000_0000, 1 << 20, 0].randomElement(
            using: &random)!
          for offset in 0..<4 {
            bytes[position + offset] = UInt8(truncatingIfNeeded: lie >> (8 * UInt32(offset)))
          }
        case 4:
          // A lying footer length.
          let lie =
            UInt32.random(in: 0...UInt32.max, using: &random)
            >> UInt32.random(in: 0...31, using: &random)
          for offset in 0..<4 {
            bytes[bytes.count - 8 + offset] = UInt8(truncatingIfNeeded: lie >> (8 * UInt32(offset)))
          }
        default:
          // A zigzag varint blown up to 10 bytes in the footer.
          let position = bytes.count - 8 - Int.random(in: 1...footerLength, using: &random)
          let run = min(10, bytes.count - 8 - position)
          for offset in 0..<run { bytes[position + offset] = 0xFF }
        }
        let path = directory.path + "/damaged.parquet"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        if readEverything(path) != nil { failures += 1 }
        cases += 1
      }
    }
    XCTAssertGreaterThanOrEqual(cases, 1500)
    // Most damage must be detected; the rest only changed plain value bytes.
    XCTAssertGreaterThan(failures, cases / 2)
    XCTAssertLessThan(
      Date().timeIntervalSince(started), 120, "damaged input must not slow reading down")
    print("corrupt-input cases: \(cases), typed errors: \(failures)")
  }

  func testSpecificDamageGivesSpecificErrors() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let base = try baseFiles(in: directory)[0]
    let original = try Data(contentsOf: URL(fileURLWithPath: base))
    let path = directory.path + "/specific.parquet"
    func expect(_ bytes: Data, _ check: (ParquetError) -> Bool, _ label: String) throws {
      try bytes.write(to: URL(fileURLWithPath: path))
      let error = readEverything(path)
      XCTAssertTrue(error.map(check) ?? false, "\(label): \(String(describing: error))")
    }
    let notParquet: (ParquetError) -> Bool = {
      if case .notParquet = $0 { return true } else { return false }
    }
    let corrupt: (ParquetError) -> Bool = {
      if case .corrupt = $0 { return true } else { return false }
    }
    try expect(Data(), notParquet, "empty file")
    try expect(Data("PAR1PAR1".utf8), notParquet, "magic only")
    try expect(original.prefix(original.count - 1), notParquet, "last byte cut")
    var hugeFooter = original
    hugeFooter.replaceSubrange(
      (hugeFooter.count - 8)..<(hugeFooter.count - 4), with: [0xFF, 0xFF, 0xFF, 0x7F])
    try expect(hugeFooter, corrupt, "footer longer than the file")
    var noFooter = original
    noFooter.replaceSubrange((noFooter.count - 8)..<(noFooter.count - 4), with: [0, 0, 0, 0])
    try expect(noFooter, corrupt, "zero footer length")
    XCTAssertThrowsError(try ParquetReader(path: directory.path + "/missing.parquet")) { error in
      guard case ParquetError.io = error else { return XCTFail("\(error)") }
    }
  }
}
