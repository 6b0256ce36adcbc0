import XCTest

final class ParquetTestsPlaceholder: XCTestCase {}
