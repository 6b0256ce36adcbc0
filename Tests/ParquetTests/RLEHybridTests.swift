import TestSupport
import XCTest

@testable import Parquet

/// The RLE / bit-packed hybrid encoding against the spec's examples and random runs.
final class RLEHybridTests: XCTestCase {
  private func encode(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
    var out: [UInt8] = []
    values.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: bitWidth, into: &out) }
    return out
  }

  private func decode(_ bytes: [UInt8], bitWidth: Int, count: Int) throws -> [UInt32] {
    var out: [UInt32] = []
    try bytes.withUnsafeBytes {
      _ = try RLEHybridDecoder.decode(
        $0, bitWidth: bitWidth, count: count, maxValue: (1 << UInt64(bitWidth)) - 1, into: &out,
        what: "test")
    }
    return out
  }

  func testSpecExamples() throws {
    // parquet-format Encodings.md: 0..7 bit-packed with width 3.
    XCTAssertEqual(encode(Array(0..<8), bitWidth: 3), [0x03, 0x88, 0xC6, 0xFA])
    // A run of 8 ones with width 1 is an RLE run: header 8 << 1, value byte 1.
    XCTAssertEqual(encode([UInt32](repeating: 1, count: 8), bitWidth: 1), [0x10, 0x01])
    XCTAssertEqual(try decode([0x03, 0x88, 0xC6, 0xFA], bitWidth: 3, count: 8), Array(0..<8))
  }

  func testRandomSequencesRoundTrip() throws {
    var random = SplitMix64(seed: 11)
    for _ in 0..<300 {
      let bitWidth = Int.random(in: 0...32, using: &random)
      let maxValue = bitWidth == 32 ? UInt32.max : (UInt32(1) << UInt32(bitWidth)) - 1
      var values: [UInt32] = []
      while values.count < Int.random(in: 0...2000, using: &random) {
        let value = UInt32.random(in: 0...maxValue, using: &random)
        let repeats = Bool.random(using: &random) ? Int.random(in: 1...40, using: &random) : 1
        values += [UInt32](repeating: value, count: repeats)
      }
      let bytes = encode(values, bitWidth: bitWidth)
      XCTAssertEqual(
        try decode(bytes, bitWidth: bitWidth, count: values.count), values, "width \(bitWidth)")
    }
  }

  func testLyingRunsAreRejected() {
    // A bit-packed header claiming 1000 groups with two bytes of data.
    XCTAssertThrowsError(try decode([0xD1, 0x0F, 0xFF, 0xFF], bitWidth: 8, count: 100))
    // Data that ends before the values wanted.
    XCTAssertThrowsError(try decode([0x04, 0x01], bitWidth: 1, count: 10))
    // A value beyond the allowed maximum (dictionary index past the dictionary).
    var out: [UInt32] = []
    XCTAssertThrowsError(
      try [UInt8]([0x10, 0x07]).withUnsafeBytes {
        try RLEHybridDecoder.decode(
          $0, bitWidth: 3, count: 8, maxValue: 5, into: &out, what: "test")
      })
    // A huge RLE run is clamped to the count wanted, not allocated.
    XCTAssertEqual(
      try decode([0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x01], bitWidth: 1, count: 3), [1, 1, 1])
  }
}
