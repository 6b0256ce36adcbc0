# Builds the idemstream binary and runs it on a slim Debian with the runtime libraries.
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      librdkafka-dev libzstd-dev libsnappy-dev libsqlite3-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product idemstream --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/idemstream" /usr/local/bin/idemstream

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      librdkafka1 libzstd1 libsnappy1v5 libsqlite3-0 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/idemstream /usr/local/bin/idemstream
VOLUME /data
ENTRYPOINT ["idemstream"]
