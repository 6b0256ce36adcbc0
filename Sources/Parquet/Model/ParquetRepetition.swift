/// Whether a field must be present, may be null, or repeats (`FieldRepetitionType`).
public enum ParquetRepetition: Int32, Sendable, Hashable {
  case required = 0
  case optional = 1
  case repeated = 2
}
