import TestSupport
import XCTest

@testable import Ingestion

final class HashingTests: XCTestCase {
  /// FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf" / SHAVS short and long messages).
  func testSHA256MatchesNISTVectors() {
    let vectors: [(String, String)] = [
      ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
      (
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
      ),
      (
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
      ),
    ]
    for (message, expected) in vectors {
      XCTAssertEqual(SHA256.digest(Array(message.utf8)).hexString, expected, "message '\(message)'")
    }
    let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
    XCTAssertEqual(
      SHA256.digest(million).hexString,
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  /// Lengths around the padding boundaries (55, 56, 63, 64 bytes) exercise the one- and
  /// two-block tails; the expected values come from Python's hashlib.
  func testSHA256PaddingBoundaries() {
    let expected: [Int: String] = [
      55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
      56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
      63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
      64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
    ]
    for (length, digest) in expected {
      let message = [UInt8](repeating: UInt8(ascii: "a"), count: length)
      XCTAssertEqual(SHA256.digest(message).hexString, digest, "length \(length)")
    }
  }

  func testSHA256DigestBytesAndWords() {
    let digest = SHA256.digest(Array("abc".utf8))
    XCTAssertEqual(digest.bytes.count, 32)
    XCTAssertEqual(Array(digest.bytes.prefix(4)), [0xBA, 0x78, 0x16, 0xBF])
    XCTAssertEqual(digest.word0, 0xba78_16bf_8f01_cfea)
  }

  /// Reference values from the `xxhash` Python package (xxh64).
  func testXXHash64MatchesReference() {
    XCTAssertEqual(XXHash64.hash([UInt8]()), 0xef46_db37_51d8_e999)
    XCTAssertEqual(XXHash64.hash(Array("a".utf8)), 0xd24e_c4f1_a98c_6e5b)
    XCTAssertEqual(XXHash64.hash(Array("abc".utf8)), 0x44bc_2cf5_ad77_0999)
    XCTAssertEqual(XXHash64.hash(Array("abc".utf8), seed: 0x1d3a), 0x5f1c_e92b_0903_1537)
    let fortyTwo = Array("0123456789abcdef0123456789abcdef0123456789".utf8)
    XCTAssertEqual(XXHash64.hash(fortyTwo), 0xa761_90c3_acf0_8a1c)
    XCTAssertEqual(XXHash64.hash(fortyTwo, seed: 0x1d3a), 0x0fef_fe7b_7197_f0d9)
    let long = (0..<3).flatMap { _ in (0...255).map { UInt8($0) } } + Array("xyz".utf8)
    XCTAssertEqual(XXHash64.hash(long), 0xe921_a1b4_5bd7_79f8)
  }

  /// The two-seed hash (the dedup key) equals two one-seed hashes, for every length around
  /// the 32-byte stripe and the 8- and 4-byte tails.
  func testTwoSeedHashEqualsTwoHashes() {
    var random = SplitMix64(seed: 3)
    let bytes = (0..<200).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    bytes.withUnsafeBytes { all in
      for length in 0...bytes.count {
        for seeds in [(0, 0x9E37_79B9_7F4A_7C15), (random.next(), random.next())]
          as [(UInt64, UInt64)]
        {
          let input = UnsafeRawBufferPointer(rebasing: all[0..<length])
          let pair = XXHash64.hash(input, seeds: seeds.0, seeds.1)
          XCTAssertEqual(pair.0, XXHash64.hash(input, seed: seeds.0), "length \(length)")
          XCTAssertEqual(pair.1, XXHash64.hash(input, seed: seeds.1), "length \(length)")
        }
      }
    }
  }
}
