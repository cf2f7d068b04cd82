# syntax=docker/dockerfile:1
# beforetrip: one static binary. The image runs `beforetrip api` (the API and
# its rebuild worker) and writes the site into /srv/beforetrip/public, which
# nginx serves (deploy/docker-compose.yml). See docs/deploy.md.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/beforetrip ./cmd/beforetrip

# Alpine rather than distroless: busybox wget runs the health check, so the
# binary needs no extra subcommand for it.
FROM alpine:3.20
RUN addgroup -S -g 10001 beforetrip \
 && adduser -S -D -H -u 10001 -G beforetrip beforetrip \
 && mkdir -p /data /srv/beforetrip/public \
 && chown beforetrip:beforetrip /data /srv/beforetrip/public
WORKDIR /app
COPY --from=build /out/beforetrip /usr/local/bin/beforetrip
COPY themes/ /app/themes/
COPY content/ /app/content/
COPY config.yaml /app/config.yaml

USER beforetrip:beforetrip
# /data: the bbolt store, its backups target and the admin socket.
# /srv/beforetrip/public: the built site, shared with nginx.
VOLUME ["/data", "/srv/beforetrip/public"]
EXPOSE 8080
ENV BEFORETRIP_API_ADDR=0.0.0.0:8080 \
    BEFORETRIP_DATA_DIR=/data \
    BEFORETRIP_OUT_DIR=/srv/beforetrip/public
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/api/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/beforetrip"]
CMD ["api", "--config", "/app/config.yaml"]
