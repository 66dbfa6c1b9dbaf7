package casefile

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"facecase/facedata"
	"facecase/media"
)

// noisePNG is a w x h photo of random pixels: any blur shows.
func noisePNG(t testing.TB, dir, name string, w, h int, seed uint64) string {
	t.Helper()
	rng := newRand(seed)
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.Uint32())
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return writeTestFile(t, dir, name, buf.Bytes())
}

// exportFixture is a case with a photo holding three stored faces, a
// search from the first face and a confirmed match for it.
type exportFixture struct {
	c          *Case
	ev         Evidence
	dets       []Detection
	confirmed  uint64 // detection id of the confirmed face
	subject    Subject
	photoBytes []byte
}

func newExportFixture(t testing.TB, nDetections int) *exportFixture {
	t.Helper()
	c := newTestCase(t)
	rng := newRand(21)
	src := noisePNG(t, t.TempDir(), "scene <1>.png", 320, 240, 21)
	ev, err := c.AddEvidence(context.Background(), src, AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	photo, _ := os.ReadFile(src)
	subject, err := c.AddSubject(`Eve "<script>alert(1)</script>"`, "label with markup")
	if err != nil {
		t.Fatal(err)
	}
	probe := randomDescriptor(rng)
	if _, err := c.Enrol(subject.ID, Provenance{Source: "custody photo"}, templates(t, nearDescriptor(rng, probe, 0.2))); err != nil {
		t.Fatal(err)
	}
	dets := testDetections(rng, ev.ID, 3)
	boxes := []facedata.Rect{{X: 20, Y: 30, W: 60, H: 70}, {X: 120, Y: 40, W: 50, H: 60}, {X: 220, Y: 120, W: 70, H: 80}}
	for i := range dets {
		// Each face a track of its own (TestRedactionIgnoresPeople puts
		// them on one person).
		dets[i].Frame, dets[i].Box, dets[i].TrackID = 0, boxes[i], uint64(i+1)
	}
	dets[0].Descriptor = &probe
	if nDetections > 3 {
		dets = append(dets, testDetections(rng, ev.ID, nDetections-3)...)
		for i := 3; i < len(dets); i++ {
			dets[i].Frame = uint32(i) // not frame 0: not drawn on the photo
		}
	}
	ids, err := c.AddDetections(context.Background(), dets, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range dets {
		dets[i].ID = ids[i]
	}
	rec, err := c.Search(context.Background(), testSearch(t, Probe{DetectionID: ids[0]}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Review(ReviewRequest{SearchID: rec.ID, SubjectID: subject.ID, Decision: DecisionConfirm, Note: "<b>same</b>"}); err != nil {
		t.Fatal(err)
	}
	return &exportFixture{c: c, ev: ev, dets: dets, confirmed: ids[0], subject: subject, photoBytes: photo}
}

func readZipMember(t testing.TB, path, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no member %s", name)
	return nil
}

func TestExportAndVerifyBundle(t *testing.T) {
	fx := newExportFixture(t, 3)
	out := filepath.Join(t.TempDir(), "bundle.zip")
	res, err := Export(context.Background(), fx.c, out, ExportOptions{Media: true, Redactor: media.RedactPhoto}, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, m := range res.Members {
		names = append(names, m.Name)
	}
	want := []string{"media/000001_scene__1_.png", MemberSnapshot, MemberAuditLog, MemberDetections, MemberReport, MemberManifest}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("members %v, want %v", names, want)
	}
	rep, err := VerifyBundle(context.Background(), out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("fresh bundle fails verification: %v", rep.Problems)
	}
	if rep.AuditHead != res.AuditHead || rep.Snapshot == nil || rep.Snapshot.Detections != 3 {
		t.Fatalf("report %+v", rep)
	}

	var m Manifest
	if err := json.Unmarshal(readZipMember(t, out, MemberManifest), &m); err != nil {
		t.Fatal(err)
	}
	if m.Notice != Notice || len(m.Evidence) != 1 || m.Evidence[0].SHA256 != fx.ev.SHA256 || m.Detections.Count != 3 ||
		len(m.Searches) != 1 || len(m.Reviews) != 1 || len(m.Confirmed) != 1 || len(m.Members) != 5 || m.Export.Actor != "DS Khan" {
		t.Fatalf("manifest %+v", m)
	}
	if m.Searches[0].Statuses[0].Status != StatusConfirmed {
		t.Fatalf("status in manifest: %+v", m.Searches[0].Statuses)
	}

	report := string(readZipMember(t, out, MemberReport))
	for _, s := range []string{Notice, "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;same&lt;/b&gt;", fx.ev.SHA256, "false match rate 0.01", "test-cohort-v1"} {
		if !strings.Contains(report, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	if strings.Contains(report, "<script>") {
		t.Error("report contains unescaped markup")
	}
	lines := bytes.Split(bytes.TrimSpace(readZipMember(t, out, MemberAuditLog)), []byte("\n"))
	log, _ := fx.c.AuditLog()
	if len(lines) != len(log) || string(lines[len(lines)-1]) != string(log[len(log)-1].Raw) || log[len(log)-1].Action != ActionExport {
		t.Fatalf("audit.jsonl has %d lines, the case %d entries (last %s)", len(lines), len(log), log[len(log)-1].Action)
	}

	// The media copy: stored faces blurred except the confirmed one; the
	// rest of the photo unchanged.
	orig, err := png.Decode(bytes.NewReader(fx.photoBytes))
	if err != nil {
		t.Fatal(err)
	}
	red, err := png.Decode(bytes.NewReader(readZipMember(t, out, "media/000001_scene__1_.png")))
	if err != nil {
		t.Fatal(err)
	}
	if m.Media[0].Blurred != 2 || m.Media[0].Kept != 1 {
		t.Fatalf("media record %+v", m.Media[0])
	}
	changed := func(r image.Rectangle) float64 {
		n, diff := 0, 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				n++
				if !sameColor(orig.At(x, y), red.At(x, y)) {
					diff++
				}
			}
		}
		return float64(diff) / float64(n)
	}
	if f := changed(fx.dets[0].Box.Image()); f != 0 {
		t.Errorf("confirmed face changed at %.0f%% of pixels", 100*f)
	}
	for _, d := range fx.dets[1:] {
		if f := changed(d.Box.Image()); f < 0.9 {
			t.Errorf("face %v blurred at only %.0f%% of pixels", d.Box, 100*f)
		}
	}
	if f := changed(image.Rect(0, 200, 100, 240)); f != 0 {
		t.Errorf("background changed at %.0f%% of pixels", 100*f)
	}
}

func sameColor(a, b color.Color) bool {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2
}

func TestExportRefusesExistingTarget(t *testing.T) {
	fx := newExportFixture(t, 3)
	out := writeTestFile(t, t.TempDir(), "bundle.zip", []byte("earlier bundle"))
	if _, err := Export(context.Background(), fx.c, out, ExportOptions{}, nil); !errors.Is(err, ErrExists) {
		t.Fatalf("export over a file: %v", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "earlier bundle" {
		t.Fatal("export changed the existing target")
	}
	if _, err := Export(context.Background(), fx.c, out, ExportOptions{Force: true}, nil); err != nil {
		t.Fatalf("export with force: %v", err)
	}
	if rep, err := VerifyBundle(context.Background(), out, nil); err != nil || !rep.OK() {
		t.Fatalf("forced bundle: %v %v", err, rep.Problems)
	}
}

func TestFailedExportLeavesNothing(t *testing.T) {
	fx := newExportFixture(t, 3)
	dir := t.TempDir()
	out := filepath.Join(dir, "bundle.zip")
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := Export(ctx, fx.c, out, ExportOptions{}, progressFunc(func() {
		if n++; n == 3 { // after the export entry, during the snapshot
			cancel()
		}
	}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled export: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("failed export left %v", entries)
	}
	log, _ := fx.c.AuditLog()
	if log[len(log)-1].Action != ActionExportFailed || log[len(log)-2].Action != ActionExport {
		t.Fatalf("audit log ends with %s, %s", log[len(log)-2].Action, log[len(log)-1].Action)
	}
}

func TestExportWhileWriting(t *testing.T) {
	fx := newExportFixture(t, 3)
	rng := newRand(22)
	more := testDetections(rng, fx.ev.ID, DetectionBatchSize+5000)
	var wg sync.WaitGroup
	wg.Add(1)
	var addErr error
	go func() {
		defer wg.Done()
		_, addErr = fx.c.AddDetections(context.Background(), more, nil)
	}()
	out := filepath.Join(t.TempDir(), "hot.zip")
	if _, err := Export(context.Background(), fx.c, out, ExportOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if addErr != nil {
		t.Fatal(addErr)
	}
	rep, err := VerifyBundle(context.Background(), out, nil)
	if err != nil || !rep.OK() {
		t.Fatalf("hot bundle: %v %v", err, rep.Problems)
	}
	// The snapshot holds the detections of whole committed batches only.
	if n := rep.Snapshot.Detections - 3; n != 0 && n != DetectionBatchSize && n != uint64(len(more)) {
		t.Fatalf("snapshot holds %d of the added detections: not whole batches", n)
	}
}

func TestImportBundleIsReadOnly(t *testing.T) {
	fx := newExportFixture(t, 3)
	dir := t.TempDir()
	out := filepath.Join(dir, "bundle.zip")
	if _, err := Export(context.Background(), fx.c, out, ExportOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "review"+Extension)
	c, err := ImportBundle(context.Background(), out, target, "Clerk Reyes", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !c.ReadOnly() || !c.Imported() {
		t.Fatal("imported case is writable")
	}
	info, ok, err := c.ImportInfo()
	if err != nil || !ok || info.ImportedBy != "Clerk Reyes" || info.ExportedBy != "DS Khan" || len(info.BundleSHA256) != 64 {
		t.Fatalf("import record %+v %v %v", info, ok, err)
	}
	if _, err := c.AddSubject("x", ""); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("write to imported case: %v", err)
	}
	if ms, _ := c.ConfirmedMatches(); len(ms) != 1 {
		t.Fatalf("imported case has %d confirmed matches", len(ms))
	}
	c.Close()
	if _, err := Open(target, Options{Actor: "someone"}); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("opening the imported case for writing: %v", err)
	}
	rep, err := Verify(context.Background(), target, VerifyOptions{SkipMedia: true})
	if err != nil || !rep.OK() {
		t.Fatalf("imported case: %v %v", err, rep.Problems)
	}
	if _, err := ImportBundle(context.Background(), out, target, "Clerk Reyes", nil); !errors.Is(err, ErrExists) {
		t.Fatalf("import over an existing case: %v", err)
	}
	// A changed bundle is not imported.
	b, _ := os.ReadFile(out)
	b[len(b)/2] ^= 1
	bad := writeTestFile(t, dir, "bad.zip", b)
	if _, err := ImportBundle(context.Background(), bad, filepath.Join(dir, "bad"+Extension), "Clerk Reyes", nil); !errors.Is(err, ErrBundleInvalid) {
		t.Fatalf("import of a changed bundle: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad"+Extension)); err == nil {
		t.Fatal("a refused import left a case")
	}
}

func TestBundleTamperingIsNamed(t *testing.T) {
	fx := newExportFixture(t, 3)
	dir := t.TempDir()
	out := filepath.Join(dir, "bundle.zip")
	if _, err := Export(context.Background(), fx.c, out, ExportOptions{Media: true, Redactor: media.RedactPhoto}, nil); err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile(out)
	// Map every byte to its member, using the writer's own layout.
	var layout bytes.Buffer
	z := newBundleZip(&layout, fx.c.now())
	zr, _ := zip.NewReader(bytes.NewReader(orig), int64(len(orig)))
	for _, f := range zr.File {
		w, _ := z.create(f.Name)
		rc, _ := f.OpenRaw()
		io.Copy(w, rc)
	}
	z.close()
	if layout.Len() != len(orig) {
		t.Fatalf("layout is %d bytes, bundle %d", layout.Len(), len(orig))
	}
	rng := newRand(23)
	offsets := []int{0, 4, 10, 14, 30, len(orig) - 1, len(orig) - 10, len(orig) - 22, int(z.centralStart), int(z.centralStart) + 12}
	for i := range z.members {
		offsets = append(offsets, int(z.offsets[i])+8, int(z.dataStart[i])-1, int(z.dataEnd[i])+4, int(z.dataEnd[i])+15)
		if z.dataEnd[i] > z.dataStart[i] {
			offsets = append(offsets, int(z.dataStart[i]), int(z.dataEnd[i])-1)
		}
	}
	for len(offsets) < 400 {
		offsets = append(offsets, rng.IntN(len(orig)))
	}
	for _, off := range offsets {
		b := append([]byte(nil), orig...)
		b[off] ^= byte(1 << rng.IntN(8))
		p := filepath.Join(dir, "flipped.zip")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		rep, err := VerifyBundle(context.Background(), p, nil)
		if err != nil {
			t.Fatalf("byte %d flipped: %v", off, err)
		}
		if rep.OK() {
			t.Fatalf("byte %d flipped: bundle verifies", off)
		}
		member, what := z.region(int64(off))
		if what == "content" {
			named := false
			for _, pr := range rep.Problems {
				named = named || strings.HasPrefix(pr.Where, "member "+member)
			}
			if !named {
				t.Errorf("byte %d of %s flipped: problems %v do not name it", off, member, rep.Problems)
			}
		}
	}
	// A changed line of a rebuilt member is named by its line number.
	for i, m := range z.members {
		if m.Name != MemberReport && m.Name != MemberAuditLog && m.Name != MemberManifest {
			continue
		}
		b := append([]byte(nil), orig...)
		off := int(z.dataStart[i]) + int(m.Size)/2
		// A digit after a digit: flipping its lowest bit gives another
		// digit, so the member stays valid JSON (a '.' or '-' would
		// become '/' or ',') and only the line's content changes.
		for !isDigit(b[off]) || !isDigit(b[off-1]) {
			off++
		}
		b[off] ^= 0x01
		p := filepath.Join(dir, "line.zip")
		os.WriteFile(p, b, 0o600)
		rep, err := VerifyBundle(context.Background(), p, nil)
		if err != nil {
			t.Fatal(err)
		}
		named := false
		for _, pr := range rep.Problems {
			named = named || strings.HasPrefix(pr.Where, "member "+m.Name+" line ")
		}
		if !named {
			t.Errorf("changed line of %s: problems %v", m.Name, rep.Problems)
		}
	}
	// An appended byte and a truncated file.
	for name, b := range map[string][]byte{"appended": append(append([]byte(nil), orig...), 0), "truncated": orig[:len(orig)-1]} {
		p := writeTestFile(t, dir, name+".zip", b)
		if rep, err := VerifyBundle(context.Background(), p, nil); err != nil || rep.OK() {
			t.Errorf("%s bundle: %v ok=%v", name, err, rep != nil && rep.OK())
		}
	}
	notZip := writeTestFile(t, dir, "not.zip", []byte("not a zip at all"))
	if rep, err := VerifyBundle(context.Background(), notZip, nil); err != nil || rep.OK() || rep.Problems[0].Where != "zip structure" {
		t.Fatalf("not a zip: %v %+v", err, rep)
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
