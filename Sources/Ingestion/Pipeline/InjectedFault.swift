import Synchronization

/// A write failure injected at a failpoint (`IDEMSTREAM_FAULT`), worded as the disk error
/// it stands for so that logs read as they would in a real incident.
public struct InjectedFault: Error, Sendable, CustomStringConvertible {
  public let point: Failpoint
  /// Which failure this is (1-based) and how many were asked for.
  public let number: Int
  public let total: Int

  public var description: String {
    "injected write failure \(number) of \(total) at \(point.rawValue): No space left on device"
  }
}

/// How many failures an `IDEMSTREAM_FAULT=<point>:<count>` still has to hand out.
final class InjectedFaultBudget: Sendable {
  let point: Failpoint
  let total: Int
  private let spent = Atomic<Int>(0)

  /// Parses `<point>:<count>`; anything else arms nothing. `after-online-commit` takes no
  /// fault: both stores have the batch there, so nothing is left to fail.
  init?(specification: String) {
    let parts = specification.split(separator: ":")
    guard parts.count == 2, let point = Failpoint(rawValue: String(parts[0])),
      point != .afterOnlineCommit, let total = Int(parts[1]), total > 0
    else { return nil }
    self.point = point
    self.total = total
  }

  func spend() throws(InjectedFault) {
    let number = spent.add(1, ordering: .relaxed).newValue
    if number <= total { throw InjectedFault(point: point, number: number, total: total) }
  }
}
