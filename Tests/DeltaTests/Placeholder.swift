import XCTest

final class DeltaTestsPlaceholder: XCTestCase {}
