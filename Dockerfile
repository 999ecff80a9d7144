# Multi-stage build: Arrow C++ from Apache's official APT repository, everything else from Debian.
#   docker build -t hyperliquid-twap .
FROM debian:bookworm AS build
ARG DEBIAN_FRONTEND=noninteractive
# A failing command inside a pipe fails the step.
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates lsb-release wget gnupg \
 && wget -q "https://apache.jfrog.io/artifactory/arrow/$(lsb_release --id --short | tr '[:upper:]' '[:lower:]')/apache-arrow-apt-source-latest-$(lsb_release --codename --short).deb" \
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
# The runtime packages are those owning the libraries hltwap loads. ldd names them under /lib,
# dpkg may know them under /usr/lib (merged /usr): match on the last two path components.
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DHLTWAP_BUILD_TESTS=OFF \
 && cmake --build /build --target hltwap \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && mkdir -p /out/bin /out/share/hltwap \
 && cp /build/hltwap /out/bin/ \
 && cp -r node_modules/swagger-ui-dist web /out/share/hltwap/ \
 && mkdir -p /out/share/hltwap/uplot \
 && cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css /out/share/hltwap/uplot/ \
 && cp tests/data/sample_twap.parquet tests/data/sample_fills.parquet /out/share/hltwap/ \
 && ldd /build/hltwap | awk '/=>/ {n = split($3, p, "/"); print "*/" p[n-1] "/" p[n]}' \
      | xargs dpkg -S | cut -d: -f1 | sort -u > /out/runtime-packages.txt

FROM debian:bookworm-slim
ARG DEBIAN_FRONTEND=noninteractive
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
COPY --from=build /out/runtime-packages.txt /tmp/
COPY --from=build /usr/share/keyrings/apache-arrow-apt-source.asc /usr/share/keyrings/
COPY --from=build /etc/apt/sources.list.d/apache-arrow.sources /etc/apt/sources.list.d/
RUN mapfile -t runtime_packages </tmp/runtime-packages.txt \
 && apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates "${runtime_packages[@]}" \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
 && useradd --system --uid 10001 --user-group --home /var/lib/hltwap hltwap
COPY --from=build /out/bin/hltwap /usr/local/bin/hltwap
COPY --from=build /out/share/hltwap /usr/share/hltwap
ENV HLTWAP_ASSETS_DIR=/usr/share/hltwap/swagger-ui-dist \
    HLTWAP_WEB_DIR=/usr/share/hltwap/web \
    HLTWAP_UPLOT_DIR=/usr/share/hltwap/uplot \
    API_HOST=0.0.0.0 \
    API_PORT=8000
# Numeric, so that a runtime enforcing a non-root user can check it.
USER 10001:10001
WORKDIR /var/lib/hltwap
EXPOSE 8000
ENTRYPOINT ["hltwap"]
CMD ["api"]
