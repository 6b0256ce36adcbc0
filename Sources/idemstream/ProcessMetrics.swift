import Foundation
import Prometheus
import Synchronization

/// The standard `process_*` families (CPU seconds, resident memory, open file descriptors),
/// read from `/proc/self` at each scrape: they are the kernel's numbers, not counted by the
/// service.
final class ProcessMetrics: Sendable {
  private let cpu: Prometheus.Counter
  private let residentMemory: Prometheus.Gauge
  private let openFileDescriptors: Prometheus.Gauge
  /// The CPU seconds already added to `cpu`: a Prometheus counter only goes up by steps.
  private let cpuCounted = Mutex<Double>(0)

  init(registry: PrometheusCollectorRegistry) {
    cpu = registry.makeCounter(
      descriptor: .family(
        "process_cpu_seconds_total",
        help: "User and system CPU time spent by the process, in seconds."))
    residentMemory = registry.makeGauge(
      descriptor: .family(
        "process_resident_memory_bytes", help: "Resident memory size of the process, in bytes."))
    openFileDescriptors = registry.makeGauge(
      descriptor: .family("process_open_fds", help: "Open file descriptors of the process."))
    refresh()
  }

  /// Reads `/proc/self` into the three families; a file that cannot be read leaves its
  /// family as it was (on a system without procfs they stay at 0).
  func refresh() {
    if let seconds = Self.cpuSeconds() {
      cpuCounted.withLock { counted in
        if seconds > counted {
          cpu.increment(by: seconds - counted)
          counted = seconds
        }
      }
    }
    if let bytes = Self.residentBytes() { residentMemory.set(to: bytes) }
    if let count = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count {
      openFileDescriptors.set(to: Double(count))
    }
  }

  /// utime + stime of `/proc/self/stat` (fields 14 and 15, in clock ticks). The fields are
  /// counted from after the command name's closing parenthesis: the name may hold spaces.
  static func cpuSeconds() -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return nil }
    // After ")": field 3 (state) is the first; utime and stime are fields 14 and 15.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
      return nil
    }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
  }

  /// The second field of `/proc/self/statm` (resident pages) times the page size.
  static func residentBytes() -> Double? {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else {
      return nil
    }
    let fields = statm.split(separator: " ")
    guard fields.count > 1, let pages = Double(fields[1]) else { return nil }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
  }
}
