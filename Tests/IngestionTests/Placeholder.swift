import XCTest

final class IngestionTestsPlaceholder: XCTestCase {}
