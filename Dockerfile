# Logit: build the release binary, then ship it on a slim Debian with the bundled MNIST.
#   docker build -t logit .
#   docker run --rm -p 8080:8080 -v logit-var:/app/var logit

# Build stage. Package.swift declares swift-tools-version 6.1, but the dependencies it pins (Hummingbird 2.28,
# swift-configuration 1.4, swift-log 1.16, swift-service-lifecycle 2.13) declare 6.2, so Swift 6.2 or later is
# needed. Swift 6.3 is used in development.
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
COPY Sources ./Sources
COPY Tests ./Tests
# LOGIT_PORTABLE: the image may run on another CPU than the one that builds it (see Package.swift).
RUN LOGIT_PORTABLE=1 swift build -c release --product logit --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/logit" /logit

# Runtime stage: the binary plus the C libraries it links.
# (libcurl4 and libxml2 are not needed: nothing imports FoundationNetworking or FoundationXML.)
FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libsqlite3-0 zlib1g libhdf5-103-1 libpng16-16 ca-certificates \
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
