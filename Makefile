# doui — the targets a Go developer would guess. `make run` and `make test`
# work on a fresh clone (test needs Chromium: see .ci/run).
GO       ?= go
GOROOT   := $(shell $(GO) env GOROOT)
WASMLIB  := $(GOROOT)/lib/wasm
WASM_SRC := $(shell find wasm banner -name '*.go' -not -name '*_test.go') go.mod go.sum
ADDR     ?= 127.0.0.1:8080

.PHONY: all build wasm run test test-go test-wasm test-browser bench fuzz lint clean

all: build

wasm: web/dist/doui.wasm web/dist/wasm_exec.js

# Size flags (the wasm budget is 470 KB brotli; server/size_test.go builds
# with this very line, via make -n): -gcflags=all=-l (no inlining) saves
# ~35 KB, the pre-Green-Tea GC ~10 KB (measured after safejs lost fmt: with
# inlining 548,544 B, Green Tea 523,573 B, both 558,799 B, against 513,327 B;
# the cost of no inlining, measured earlier, was a ~40 % longer first go.run
# task at 4× CPU).
web/dist/doui.wasm: $(WASM_SRC) Makefile
	GOOS=js GOARCH=wasm GOEXPERIMENT=nogreenteagc $(GO) build -trimpath -gcflags=all=-l -ldflags='-s -w' -o $@ ./wasm

web/dist/wasm_exec.js: $(WASMLIB)/wasm_exec.js
	cp $< $@

build: wasm
	$(GO) build -trimpath -o bin/doui ./server

run: build
	./bin/doui serve -demo -addr $(ADDR)

# Everything: native tests (browser tests included), the banner under wasm,
# vet and gofmt. The browser packages (e2e ~10 min, server/scan ~5 min on
# a busy 2-core machine) run side by side; -timeout is a cap for a
# saturated machine (e2e took 12 min 4 s once beside other browser work),
# not the expected time.
test: wasm lint test-wasm
	$(GO) test -count=1 -timeout 20m ./...

test-go: wasm
	$(GO) test -count=1 $$($(GO) list ./... | grep -v -e /e2e -e /server/scan)

test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec=$(WASMLIB)/go_js_wasm_exec ./banner

test-browser: wasm
	$(GO) test -count=1 -timeout 12m ./server/scan
	$(GO) test -count=1 -timeout 20m -v ./e2e

# Go benchmarks (benchstat-comparable: make bench > old.txt; ...; benchstat
# old.txt new.txt), then the browser benchmark: the same test page without a
# banner, with vanilla-cookieconsent (installed into e2e/node_modules by npm)
# and with doui, BENCH_RUNS cold runs each on the slow-phone and loopback
# profiles, one table per profile and issue 11's budgets (DOUI_BENCH_OUT=file
# keeps a copy; about 2 minutes per run).
BENCH_RUNS ?= 5
bench: wasm
	$(GO) test -run='^$$' -bench=. -benchmem -count=$(or $(BENCH_COUNT),1) ./banner ./policyjson ./server
	$(GO) test -run='^$$' -bench=BenchmarkScanDemo -benchtime=1x -count=1 -timeout 10m ./server/scan
	[ -d e2e/node_modules/vanilla-cookieconsent ] || npm ci --prefix e2e --no-audit --no-fund
	$(GO) test -count=1 -timeout 60m -run='^TestBrowserBench$$' -v ./e2e -bench-browser -bench-runs=$(BENCH_RUNS)
	$(GO) test -count=1 -timeout 10m -run='^TestWrkBench$$' -v ./e2e -bench-wrk

fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=60s ./policyjson
	$(GO) test -run='^$$' -fuzz='^FuzzDecode$$' -fuzztime=60s ./banner
	$(GO) test -run='^$$' -fuzz='^FuzzDecodePending$$' -fuzztime=60s ./banner

# staticcheck natively, then as js/wasm: -exec runs the native staticcheck
# with GOOS=js GOARCH=wasm, so that it loads the packages as the browser
# build sees them.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt-ed: $$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm ./banner
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	$(GO) run -exec 'env GOOS=js GOARCH=wasm' honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./wasm ./banner

clean:
	rm -rf bin web/dist/doui.wasm web/dist/wasm_exec.js e2e/screenshots
