#!/usr/bin/env bash
# Screenshots of the desktop app in CI: builds the app with the "tour" tag
# (the screenshot tour is test machinery and never ships in the app) into
# bin/facecase-tour, launches it under Xvfb with its --tour flag, which
# opens the demo case (made
# on first use from the installed sample photos), goes through the main
# views (start, evidence, viewer with paths, review with a note, watchlist,
# audit log filtered to review decisions, the accuracy Lab's form, and the
# viewer just after a scene cut of the shared hamilton clip when
# ../shared/data is there),
# saves a screenshot of each (the window's canvas, and the whole X screen
# with ImageMagick's import when installed) and measures playback and UI
# blocking. Fails when the app exits early or with an error, a screenshot
# is missing, or one is blank (nearly uniform).
#
#   .ci/screenshots.sh [OUT_DIR]     (default .ci/artifacts/screenshots)
#
# Needs the models (make models), Xvfb and xauth (make deps).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH

out=${1:-.ci/artifacts/screenshots}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)

go build -tags tour -o bin/facecase-tour ./cmd/facecase

# A private home: the demo case and the preferences never touch the user's.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME=$home XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config LANG=en_US.UTF-8

# A clip with scene cuts for the viewer's 08-viewer-cut screenshot.
views="01-start 02-evidence 03-viewer 04-review 05-watchlist 06-audit 07-lab"
clip=$(pwd)/../shared/data/face_recognition/short_hamilton_clip.mp4
if [ -f "$clip" ]; then
	export FACECASE_TOUR_CLIP=$clip
	views="$views 08-viewer-cut"
fi
# The people view, when make models installed the people video.
if [ -f models/data/samples/vtest.avi ]; then
	views="$views 03-people"
fi

set +e
timeout 1800 xvfb-run -a -s "-screen 0 1400x900x24" bin/facecase-tour --tour "$out" >"$out/tour.log" 2>&1
rc=$?
set -e
grep '^tour' "$out/tour.log" || true
if [ "$rc" -ne 0 ]; then
	echo "screenshots: the app exited with status $rc; last lines of its log:" >&2
	tail -n 20 "$out/tour.log" >&2
	exit 1
fi
# Fyne logs a UI call made off its goroutine (not through fyne.Do) and
# carries on; in the app such a call is a data race waiting to happen.
if grep -q 'Error in Fyne call thread' "$out/tour.log"; then
	echo "screenshots: a Fyne call was made off the UI goroutine:" >&2
	grep -A 3 'Error in Fyne call thread' "$out/tour.log" | head -n 20 >&2
	exit 1
fi
if [ ! -s "$out/figures.json" ]; then
	echo "screenshots: the app exited before the tour finished (no figures.json)" >&2
	exit 1
fi

# Every main view has a screenshot, and none is blank. The app checks its
# own captures too; this is an independent check of the files.
fail=0
for view in $views; do
	for f in "$out/$view.png" "$out/x-$view.png"; do
		case $f in */x-*) command -v import >/dev/null || continue ;; esac
		if [ ! -s "$f" ]; then
			echo "screenshots: $f is missing" >&2
			fail=1
			continue
		fi
		if command -v convert >/dev/null; then
			sd=$(convert "$f" -colorspace Gray -format '%[fx:standard_deviation*255]' info:)
			if ! awk -v sd="$sd" 'BEGIN { exit !(sd >= 3) }'; then
				echo "screenshots: $f is blank (grey standard deviation $sd)" >&2
				fail=1
			fi
		fi
	done
done
[ "$fail" -eq 0 ] || exit 1
echo "screenshots: all views captured in $out"
