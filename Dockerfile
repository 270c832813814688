# Multi-stage build: compile in the Go image, run from a slim Debian image
# as an unprivileged user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=docker
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.Version=${VERSION}" -o /out/campaignwatch ./cmd/campaignwatch

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app campaignwatch \
    && mkdir -p /app/var && chown campaignwatch /app/var
COPY --from=build /out/campaignwatch /usr/local/bin/campaignwatch
USER campaignwatch
WORKDIR /app
ENV HTTP_ADDR=0.0.0.0:8080 LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["campaignwatch"]
CMD ["serve", "--migrate"]
