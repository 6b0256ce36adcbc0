import Foundation
import Ingestion
import XCTest

/// Hostile input (CONTRACT.md section 6, invariant 6): a seeded, coverage-blind fuzzer over
/// `FeatureWriteDecoder`, the first code every Kafka record meets. It mutates a corpus of
/// valid writes and of the section 2 rejects (byte flips, JSON tokens, splices, deep
/// nesting, huge numbers, random headers) and checks, for every input, that decoding
/// returns or throws a `DecodeError` with a reason, gives the same answer twice, and takes
/// well under a second. A crash ends the test process and fails the run.
///
/// `IDEMSTREAM_FUZZ_SECONDS` sets how long it runs (20 s by default; `make reliability`
/// runs 600). `IDEMSTREAM_FUZZ_SEED` repeats a run: the seed is printed at the start.
final class DecoderFuzzTests: XCTestCase {
  func testDecoderSurvivesMutatedInputForTheConfiguredTime() throws {
    let environment = ProcessInfo.processInfo.environment
    let seconds = Double(environment["IDEMSTREAM_FUZZ_SECONDS"] ?? "") ?? 20
    let seed =
      UInt64(environment["IDEMSTREAM_FUZZ_SEED"] ?? "")
      ?? UInt64(Date().timeIntervalSince1970 * 1000)
    print("decoder fuzz: seed \(seed), \(seconds) s")
    let decoder = FeatureWriteDecoder(try FuzzCorpus.config())
    var mutator = RecordMutator(seed: seed, corpus: FuzzCorpus.seeds.map { Array($0.utf8) })
    var executions = 0
    var accepted = 0
    var reasons: [DecodeError.Reason: Int] = [:]
    var slowest = Duration.zero
    let clock = ContinuousClock()
    let deadline = clock.now + .milliseconds(Int64(seconds * 1000))
    while clock.now < deadline {
      for _ in 0..<200 {
        let (value, headers) = mutator.next()
        let started = clock.now
        let first = Self.outcome(decoder, value, headers)
        let elapsed = clock.now - started
        slowest = max(slowest, elapsed)
        XCTAssertLessThan(elapsed, .seconds(1), "slow input: \(Self.preview(value))")
        let second = Self.outcome(decoder, value, headers)
        XCTAssertEqual(first, second, "not deterministic: \(Self.preview(value))")
        switch first {
        case .success:
          accepted += 1
          // Accepted writes feed the corpus, so mutations reach deeper than the parser.
          if accepted % 64 == 0, let value { mutator.learn(value) }
        case .failure(let error):
          reasons[error.reason, default: 0] += 1
          XCTAssertFalse(error.description.isEmpty, "a reject without a reason")
        }
        executions += 1
      }
    }
    let rejected = reasons.values.reduce(0, +)
    print(
      "decoder fuzz: \(executions) inputs in \(seconds) s, \(accepted) accepted, \(rejected) rejected"
        + " over \(reasons.count) reasons, slowest \(slowest), no crash")
    print(
      "RELIABILITY | decoder fuzz | seed \(seed) | \(executions) | accepted \(accepted) "
        + "| rejected \(rejected) | slowest \(slowest)")
    XCTAssertGreaterThan(accepted, 0, "the mutator never produced a valid write")
    XCTAssertGreaterThan(reasons.count, 8, "too few kinds of reject: \(reasons)")
  }

  static func outcome(
    _ decoder: FeatureWriteDecoder, _ value: [UInt8]?, _ headers: [RecordHeader]
  ) -> Result<FeatureWrite, DecodeError> {
    Result { () throws(DecodeError) -> FeatureWrite in
      try decoder.decode(value: value, headers: headers, topic: "features")
    }
  }

  static func preview(_ value: [UInt8]?) -> String {
    guard let value else { return "nil" }
    return String(decoding: value.prefix(200), as: UTF8.self) + " (\(value.count) bytes)"
  }
}
