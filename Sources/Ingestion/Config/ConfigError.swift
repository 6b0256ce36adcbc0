/// A configuration problem, located and with its fix, e.g.
/// `config.yaml:14: feature 'spend' has unknown type 'float' — use one of bigint, double, …`.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
  public let file: String
  /// 1-based line of the offending YAML node; 0 when the file itself is the problem.
  public let line: Int
  public let problem: String
  public let fix: String

  public init(file: String, line: Int, problem: String, fix: String) {
    self.file = file
    self.line = line
    self.problem = problem
    self.fix = fix
  }

  public var description: String {
    let place = line > 0 ? "\(file):\(line)" : file
    return "\(place): \(problem) — \(fix)"
  }
}
