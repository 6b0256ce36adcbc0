/// The behaviour tests of the online store, run again against a real PostgreSQL server
/// (`PostgresServer`: one private cluster per class, stopped when the class ends). Each
/// class changes only the backend; it names every test it inherits because test discovery
/// on Linux lists only the methods a class declares itself.

final class PostgresLastWriteWinsTests: LastWriteWinsTests {
  override class var backend: Backend { .postgres }
  override func testOutOfOrderWritesKeepTheGreatestEventTime() throws {
    try super.testOutOfOrderWritesKeepTheGreatestEventTime()
  }
  override func testWritesOfAnEntityFromASecondPartitionAreCounted() throws {
    try super.testWritesOfAnEntityFromASecondPartitionAreCounted()
  }
  override func testEqualEventTimesAreBrokenByPartitionThenOffset() throws {
    try super.testEqualEventTimesAreBrokenByPartitionThenOffset()
  }
  override func testDeleteLeavesATombstoneAndAGreaterUpsertRecreates() throws {
    try super.testDeleteLeavesATombstoneAndAGreaterUpsertRecreates()
  }
  override func testDeleteOfAnUnknownEntityIsRememberedAsATombstone() throws {
    try super.testDeleteOfAnUnknownEntityIsRememberedAsATombstone()
  }
  override func testStaleCountsAreExactForSeveralWritesOfOneEntityInOneBatch() throws {
    try super.testStaleCountsAreExactForSeveralWritesOfOneEntityInOneBatch()
  }
  override func testBatchEndingInADeleteTombstonesTheEntity() throws {
    try super.testBatchEndingInADeleteTombstonesTheEntity()
  }
  override func testCollapsedBatchGivesTheSameStoreAsOneWriteAtATime() throws {
    try super.testCollapsedBatchGivesTheSameStoreAsOneWriteAtATime()
  }
  override func testCompositePrimaryKeys() throws { try super.testCompositePrimaryKeys() }
  override func testCanonicallyEquivalentStringsAreDistinctEntities() throws {
    try super.testCanonicallyEquivalentStringsAreDistinctEntities()
  }
}

final class PostgresAtomicBatchTests: AtomicBatchTests {
  override class var backend: Backend { .postgres }
  override func testPositionsAndVersionsAreCommittedWithTheRows() throws {
    try super.testPositionsAndVersionsAreCommittedWithTheRows()
  }
  override func testPositionsAndVersionsNeverMoveBack() throws {
    try super.testPositionsAndVersionsNeverMoveBack()
  }
  override func testBeforeCommitRunsInsideTheTransaction() throws {
    try super.testBeforeCommitRunsInsideTheTransaction()
  }
  override func testAnEmptyBatchAndAGroupWithoutWritesAreFine() throws {
    try super.testAnEmptyBatchAndAGroupWithoutWritesAreFine()
  }
}

final class PostgresReadAndRepairTests: ReadAndRepairTests {
  override class var backend: Backend { .postgres }
  override func testDumpPagesThroughEveryLiveRowInKeyOrder() throws {
    try super.testDumpPagesThroughEveryLiveRowInKeyOrder()
  }
  override func testReplaceEntityIgnoresLastWriteWins() throws {
    try super.testReplaceEntityIgnoresLastWriteWins()
  }
  override func testDeleteEntityWithAndWithoutTombstone() throws {
    try super.testDeleteEntityWithAndWithoutTombstone()
  }
  override func testPurgeTombstonesForgetsOnlyOldTombstones() throws {
    try super.testPurgeTombstonesForgetsOnlyOldTombstones()
  }
}

final class PostgresColumnTypesAndSchemaTests: ColumnTypesAndSchemaTests {
  override class var backend: Backend { .postgres }
  override func testEveryColumnTypeRoundTripsIncludingNullAndNonASCII() throws {
    try super.testEveryColumnTypeRoundTripsIncludingNullAndNonASCII()
  }
  override func testKeysOfEveryTypeAndAMissingFeatureOfADelete() throws {
    try super.testKeysOfEveryTypeAndAMissingFeatureOfADelete()
  }
  override func testInvalidWritesFailTheWholeBatchWithATypedError() throws {
    try super.testInvalidWritesFailTheWholeBatchWithATypedError()
  }
  override func testInvalidSchemasAreRefused() throws { try super.testInvalidSchemasAreRefused() }
  override func testQuotedIdentifiersWork() throws { try super.testQuotedIdentifiersWork() }
  override func testReopeningWithAChangedDefinitionIsRefusedAndANewVersionGetsANewTable() throws {
    try super.testReopeningWithAChangedDefinitionIsRefusedAndANewVersionGetsANewTable()
  }
}

final class PostgresReadOnlyAccessTests: ReadOnlyAccessTests {
  override class var backend: Backend { .postgres }
  override func testAReadOnlyStoreReadsWhileTheWriterHoldsTheLock() throws {
    try super.testAReadOnlyStoreReadsWhileTheWriterHoldsTheLock()
  }
  override func testAReadOnlyStoreOpensAfterTheWriterClosedAndNeedsAnExistingStore() throws {
    try super.testAReadOnlyStoreOpensAfterTheWriterClosedAndNeedsAnExistingStore()
  }
  override func testAClosedStoreRefusesCalls() throws { try super.testAClosedStoreRefusesCalls() }
}
