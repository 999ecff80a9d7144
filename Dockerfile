# Multi-stage build: Arrow C++ from Apache's official APT repository, everything else from Debian.
#   docker build -t hyperliquid-twap .
FROM debian:bookworm AS build
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates lsb-release wget gnupg \
 && wget -q "https://apache.jfrog.io/artifactory/arrow/$(lsb_release --id --short | tr 'A-Z' 'a-z')/apache-arrow-apt-source-latest-$(lsb_release --codename --short).deb" \
 && apt-get install -y --no-install-recommends ./apache-arrow-apt-source-latest-*.deb \
 && apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config nodejs npm \
      libarrow-dev libparquet-dev \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
      libpq-dev libcurl4-openssl-dev libssl-dev libpugixml-dev libcli11-dev libspdlog-dev libfmt-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DHLTWAP_BUILD_TESTS=OFF \
 && cmake --build /build --target hltwap \
 && npm ci --ignore-scripts --no-audit --no-fund \
 && mkdir -p /out/bin /out/share/hltwap \
 && cp /build/hltwap /out/bin/ \
 && cp -r node_modules/swagger-ui-dist /out/share/hltwap/ \
 && cp tests/data/sample_twap.parquet /out/share/hltwap/ \
 && ldd /build/hltwap | awk '/=>/ {print $3}' | xargs dpkg -S 2>/dev/null | cut -d: -f1 | sort -u > /out/runtime-packages.txt

FROM debian:bookworm-slim
ARG DEBIAN_FRONTEND=noninteractive
COPY --from=build /out/runtime-packages.txt /tmp/
COPY --from=build /usr/share/keyrings/apache-arrow-apt-source.asc /usr/share/keyrings/
COPY --from=build /etc/apt/sources.list.d/apache-arrow.sources /etc/apt/sources.list.d/
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates $(cat /tmp/runtime-packages.txt) \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
 && useradd --system --home /var/lib/hltwap hltwap
COPY --from=build /out/bin/hltwap /usr/local/bin/hltwap
COPY --from=build /out/share/hltwap /usr/share/hltwap
ENV HLTWAP_ASSETS_DIR=/usr/share/hltwap/swagger-ui-dist \
    API_HOST=0.0.0.0 \
    API_PORT=8000
USER hltwap
WORKDIR /var/lib/hltwap
EXPOSE 8000
ENTRYPOINT ["hltwap"]
CMD ["api"]
