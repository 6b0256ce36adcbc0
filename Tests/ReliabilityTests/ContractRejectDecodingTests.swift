import Ingestion
import XCTest

/// Every dead-letter rule of CONTRACT.md section 2, at the decoder: the record is rejected
/// with the reason the corpus names, and the message says where and what.
final class ContractRejectDecodingTests: XCTestCase {
  func testEverySection2RuleRejectsWithItsReason() throws {
    let decoder = FeatureWriteDecoder(try FuzzCorpus.config())
    let rejects = try ContractRejects.load()
    XCTAssertGreaterThanOrEqual(rejects.count, 20)
    for reject in rejects {
      do {
        let write = try decoder.decode(value: reject.value, topic: "features")
        XCTFail("\(reject.name): accepted as \(write)")
      } catch {
        XCTAssertEqual(error.reason.rawValue, reject.reason, "\(reject.name): \(error)")
        XCTAssertFalse(error.description.isEmpty, reject.name)
      }
    }
  }
}
