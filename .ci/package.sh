#!/usr/bin/env bash
# Makes the Linux desktop package of facecase with the fyne tool
# (fyne.io/tools v1.7.4, fetched by `go run`, not added to go.mod):
# dist/facecase.tar.xz holds the binary, the .desktop entry and the icon,
# with a Makefile whose `make user-install` / `sudo make install` installs
# them. FyneApp.toml gives the name, id, version and icon.
#
# `fyne package` bumps the build number in the FyneApp.toml it reads, so it
# runs on a copy: the checkout is left as it was.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
root=$(pwd)

go build -o bin/facecase ./cmd/facecase
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp FyneApp.toml "$work/"
mkdir -p "$work/assets"
cp assets/icon.png "$work/assets/"
printf 'package main\n\nfunc main() {}\n' >"$work/main.go" # fyne looks for Go code here
cp bin/facecase "$work/facecase"
(cd "$work" && go run fyne.io/tools/cmd/fyne@v1.7.4 package --os linux --release --executable facecase)
mkdir -p "$root/dist"
mv "$work/facecase.tar.xz" "$root/dist/facecase.tar.xz"
echo "package: dist/facecase.tar.xz"
tar -tJf "$root/dist/facecase.tar.xz"
