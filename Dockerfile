# Logit: build the release binary, then ship it on a slim Debian with the bundled MNIST.
#   docker build -t logit .
#   docker run --rm -p 8080:8080 -v logit-var:/app/var logit

# Build stage: Package.swift declares swift-tools-version 6.2 (development uses Swift 6.3).
FROM swift:6.2-bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libsqlite3-dev zlib1g-dev libhdf5-dev libpng-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve the dependencies first, so this layer is cached while only the sources change.
# (No Package.resolved: it is not in git, and a local one may pin commits of mirrored copies.)
COPY Package.swift ./
RUN swift package resolve
# All that the manifest declares targets in (make test loads the package from exactly these files).
COPY Sources ./Sources
COPY Tests ./Tests
COPY Benchmarks ./Benchmarks
COPY Fuzz/LogitFuzz ./Fuzz/LogitFuzz
COPY Fuzz/CLibFuzzer ./Fuzz/CLibFuzzer
# LOGIT_MARCH=x86-64: the image may run on any x86-64 CPU, not only on one like the builder's (see Package.swift).
ENV LOGIT_MARCH=x86-64
RUN swift build -c release --product logit --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/logit" /logit

# Runtime stage: the binary plus the packages of the C libraries it links, which make test compares with the
# binary's own list (scripts/check_dockerfile.py). Nothing imports FoundationNetworking or FoundationXML, and
# nothing opens TLS connections, so neither libcurl, libxml2 nor ca-certificates is needed.
FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libsqlite3-0 zlib1g libhdf5-103-1 libpng16-16 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /logit /usr/local/bin/logit
WORKDIR /app
COPY config ./config
COPY public ./public
COPY data ./data
RUN mkdir -p /app/var
VOLUME /app/var
EXPOSE 8080
ENTRYPOINT ["logit"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--database", "/app/var/logit.sqlite"]
