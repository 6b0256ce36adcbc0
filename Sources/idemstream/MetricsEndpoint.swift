import Ingestion
import Metrics
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus

/// The service's HTTP endpoint: `GET /metrics` in the Prometheus text format, `/healthz`
/// (200 while the process runs) and `/readyz` (200 once the stores are open and partitions
/// are assigned, 503 before and between), on every address or the one given.
///
/// The service's counters and timers are recorded through swift-metrics; this endpoint is
/// only the window onto them, so the ingestion core never depends on an HTTP stack.
final class MetricsEndpoint: Sendable {
  let registry: PrometheusCollectorRegistry
  /// What `/readyz` answers from; the service updates it.
  let readiness: ServiceReadiness
  private let channel: any Channel
  private let group: MultiThreadedEventLoopGroup

  /// Bootstraps swift-metrics with a Prometheus registry and starts listening.
  static func start(host: String = "0.0.0.0", port: Int, version: String) throws
    -> MetricsEndpoint
  {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(DescribedMetricsFactory(registry: registry))
    registry.makeGauge(
      descriptor: .family(
        "idemstream_build_info", help: "Always 1; the label names the running idemstream version."),
      labels: [("version", version)]
    ).set(to: 1)
    return try MetricsEndpoint(
      registry: registry, process: ProcessMetrics(registry: registry), host: host, port: port)
  }

  private init(
    registry: PrometheusCollectorRegistry, process: ProcessMetrics, host: String, port: Int
  ) throws {
    self.registry = registry
    let readiness = ServiceReadiness()
    self.readiness = readiness
    group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let bootstrap = ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 16)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.pipeline.configureHTTPServerPipeline().flatMap {
          channel.pipeline.addHandler(
            MetricsHandler(registry: registry, process: process, readiness: readiness))
        }
      }
    channel = try bootstrap.bind(host: host, port: port).wait()
  }

  /// The port actually bound (useful with port 0).
  var port: Int { channel.localAddress?.port ?? 0 }

  func stop() {
    try? channel.close().wait()
    try? group.syncShutdownGracefully()
  }
}

/// Answers every request: `/metrics` with the registry's text (the `process_*` families
/// read just before), `/healthz` and `/readyz` with one line, anything else with 404.
private final class MetricsHandler: ChannelInboundHandler, Sendable {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  let registry: PrometheusCollectorRegistry
  let process: ProcessMetrics
  let readiness: ServiceReadiness

  init(registry: PrometheusCollectorRegistry, process: ProcessMetrics, readiness: ServiceReadiness)
  {
    self.registry = registry
    self.process = process
    self.readiness = readiness
  }

  /// The status and body for a request's path (the query is ignored).
  func respond(to uri: String) -> (HTTPResponseStatus, [UInt8]) {
    let path = uri.prefix { $0 != "?" }
    switch path {
    case "/metrics":
      process.refresh()
      return (.ok, registry.emitToBuffer())
    case "/healthz":
      // Answered by the process itself: a process that can answer is alive.
      return (.ok, Array("ok\n".utf8))
    case "/readyz":
      guard let reason = readiness.notReadyReason else {
        return (
          .ok, Array("ready: \(readiness.assignedPartitionCount) partitions assigned\n".utf8)
        )
      }
      return (.serviceUnavailable, Array("not ready: \(reason)\n".utf8))
    default:
      return (.notFound, Array("not found: try /metrics, /healthz or /readyz\n".utf8))
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard case .head(let request) = unwrapInboundIn(data) else { return }
    let (status, body) = respond(to: request.uri)
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
    headers.add(name: "Content-Length", value: "\(body.count)")
    headers.add(name: "Connection", value: "close")
    let head = HTTPResponseHead(version: request.version, status: status, headers: headers)
    context.write(wrapOutboundOut(.head(head)), promise: nil)
    context.write(
      wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))),
      promise: nil)
    let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
    context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
      bound.value.close(promise: nil)
    }
  }
}
