import XCTest

final class KafkaTestsPlaceholder: XCTestCase {}
