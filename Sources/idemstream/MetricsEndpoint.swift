import Metrics
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus

/// Serves `GET /metrics` in the Prometheus text format on loopback or any address given.
///
/// The service's counters and timers are recorded through swift-metrics; this endpoint is
/// only the window onto them, so the ingestion core never depends on an HTTP stack.
final class MetricsEndpoint: Sendable {
  let registry: PrometheusCollectorRegistry
  private let channel: any Channel
  private let group: MultiThreadedEventLoopGroup

  /// Bootstraps swift-metrics with a Prometheus registry and starts listening.
  static func start(host: String = "0.0.0.0", port: Int) throws -> MetricsEndpoint {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    return try MetricsEndpoint(registry: registry, host: host, port: port)
  }

  private init(registry: PrometheusCollectorRegistry, host: String, port: Int) throws {
    self.registry = registry
    group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let bootstrap = ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 16)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.pipeline.configureHTTPServerPipeline().flatMap {
          channel.pipeline.addHandler(MetricsHandler(registry: registry))
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

/// Answers every request: `/metrics` with the registry's text, anything else with 404.
private final class MetricsHandler: ChannelInboundHandler, Sendable {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  let registry: PrometheusCollectorRegistry

  init(registry: PrometheusCollectorRegistry) { self.registry = registry }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard case .head(let request) = unwrapInboundIn(data) else { return }
    let found = request.uri == "/metrics" || request.uri.hasPrefix("/metrics?")
    let body = found ? registry.emitToBuffer() : Array("not found: try /metrics\n".utf8)
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
    headers.add(name: "Content-Length", value: "\(body.count)")
    headers.add(name: "Connection", value: "close")
    let head = HTTPResponseHead(
      version: request.version, status: found ? .ok : .notFound, headers: headers)
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
