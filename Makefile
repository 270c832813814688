# The two commands a new machine needs: `make run` and `make test`.
# Without DATABASE_URL both use a private PostgreSQL cluster under ./var.

GO        ?= go
BIN       := bin/campaignwatch
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
TESTFLAGS ?= -race -count=1 -timeout 20m

.PHONY: build run test bench generate vet fmt db-start db-stop clean

build:
	$(GO) build -ldflags "-X main.Version=$(VERSION)" -o $(BIN) ./cmd/campaignwatch

## run: build, start the private database if needed, migrate, load demo data, serve.
## DEMO_COMPLAINTS=N also generates N triaged demo complaints in an election of their own.
DEMO_COMPLAINTS ?= 0
run: build
	./$(BIN) demo --migrate --complaints $(DEMO_COMPLAINTS)
	./$(BIN) serve --migrate

## test: every test, against a private database unless TEST_DATABASE_URL or DATABASE_URL is set.
## The private cluster is started once for the run and stopped after it if this target started it.
test: build
	@set -e; started=; \
	if [ -z "$$TEST_DATABASE_URL$$DATABASE_URL" ]; then \
	  if ! ./$(BIN) db status >/dev/null 2>&1; then ./$(BIN) db start >/dev/null; started=1; fi; \
	fi; \
	status=0; $(GO) test $(TESTFLAGS) ./... || status=$$?; \
	if [ -n "$$started" ]; then ./$(BIN) db stop >/dev/null 2>&1 || true; fi; \
	exit $$status

## bench: the performance figures the issues ask for, printed. One package at a time
## (-p 1) so benchmarks never share the machine with each other.
bench: build
	@set -e; started=; \
	if [ -z "$$TEST_DATABASE_URL$$DATABASE_URL" ]; then \
	  if ! ./$(BIN) db status >/dev/null 2>&1; then ./$(BIN) db start >/dev/null; started=1; fi; \
	fi; \
	status=0; $(GO) test -p 1 -run '^$$' -bench . -benchtime 1x -count 1 -timeout 60m ./... || status=$$?; \
	if [ -n "$$started" ]; then ./$(BIN) db stop >/dev/null 2>&1 || true; fi; \
	exit $$status

## generate: regenerate the typed query code from each package's queries/*.sql (sqlc,
## pinned in tools/go.mod). `make test` fails when the committed code is stale.
generate:
	$(GO) tool -modfile=tools/go.mod sqlc generate

vet:
	$(GO) vet ./...

fmt:
	gofmt -l -w $$(git ls-files '*.go')

db-start: build
	./$(BIN) db start

db-stop: build
	./$(BIN) db stop

clean:
	rm -rf bin
