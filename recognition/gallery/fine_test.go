package gallery

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"facecase/facedata"
	"facecase/internal/synthdesc"
)

// TestFineQuantizer trains fine levels on Gaussian residuals of spreads that
// differ by dimension and checks that the codes keep the error near what
// 16 levels allow (about 1 % of the variance for a Gaussian), and that the
// estimate from the tables is the one the comment in fine.go gives:
// |q - c - r'|^2 - |r'|^2 + |r|^2.
func TestFineQuantizer(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 4096
	var spread [dim]float64
	for j := range spread {
		spread[j] = 0.01 + 0.05*rng.Float64()
	}
	resid := make([]float32, n*dim)
	for i := range resid {
		resid[i] = float32(rng.NormFloat64() * spread[i%dim])
	}
	fq := trainFine(resid)
	for i := range 20000 { // level against counting the boundaries below
		j, v := i%dim, float32(rng.NormFloat64()*spread[i%dim]*1.5)
		want := 0
		for _, b := range fq.bounds[j] {
			if v > b {
				want++
			}
		}
		if got := fq.level(j, v); got != want {
			t.Fatalf("dimension %d, value %v: level %d, want %d", j, v, got, want)
		}
	}
	var c, q [dim]float32
	for j := range c {
		c[j] = float32(rng.NormFloat64() * 0.1)
		q[j] = c[j] + float32(rng.NormFloat64()*0.08)
	}
	var table fineTable
	table.fill(fq, &q)
	var variance, errSum float64
	for j := range spread {
		variance += spread[j] * spread[j]
	}
	code := make([]byte, fineBytes)
	for i := range 500 {
		var x [dim]float32
		for j := range x {
			x[j] = c[j] + resid[i*dim+j]
		}
		beta := fq.encode(&x, &c, code)
		errSum += fq.fineError(&x, &c, code)
		var base, decNorm, trueNorm, toDecoded float64
		for j := range dim {
			dec := float64(fq.levels[j][int(code[j/2]>>(4*(j%2)))&(fineLevels-1)])
			u := float64(q[j]) - float64(c[j])
			base += u * u
			decNorm += dec * dec
			trueNorm += float64(resid[i*dim+j]) * float64(resid[i*dim+j])
			toDecoded += (u - dec) * (u - dec)
		}
		got := base + float64(table.sum(code)) + float64(beta)
		want := toDecoded - decNorm + trueNorm
		if math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
			t.Fatalf("face %d: estimate %.6f, want %.6f", i, got, want)
		}
	}
	if ratio := errSum / 500 / variance; ratio > 0.015 {
		t.Fatalf("fine codes keep %.4f of the variance as error, want at most 0.015", ratio)
	}
}

// TestFineCodesFollowTheIndex checks a gallery file whose int8 codes stay in
// the file: reading the statistics gives every face its fine code against
// its list's centroid, adds give theirs, a rebuild drops them until read
// again, and a normalised search that uses them finds most of the exact
// normalised top 10.
func TestFineCodesFollowTheIndex(t *testing.T) {
	ctx := context.Background()
	c := testCohort(t, "c1", 5)
	gen := synthdesc.New(synthdesc.Config{Seed: 5})
	faces := synthFaces(gen, 0, 3000)
	path := filepath.Join(t.TempDir(), "fine.gallery")
	g, err := Open(path, Options{MinIndexed: 1000, ManualRebuild: true, Cohort: c, MaxResidentCodes: 1000, NormRerank: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	mustAdd(t, g, faces[:2500])
	if err := g.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if err := g.readNormStats(ctx); err != nil {
		t.Fatal(err)
	}
	checkFineCodes(t, g, faces[:2500])
	mustAdd(t, g, faces[2500:])
	checkFineCodes(t, g, faces)

	tpl := facedata.Template{Descriptor: gen.Probe(11, 1)}
	tpl.Cohort = c.Stats(&tpl.Descriptor)
	exact, err := g.SearchNormalisedExact(ctx, tpl, 10, math.Inf(1))
	if err != nil {
		t.Fatal(err)
	}
	got, err := g.SearchNormalised(ctx, tpl, 10, math.Inf(1))
	if err != nil {
		t.Fatal(err)
	}
	if r := Recall(got, exact); r < 0.8 {
		t.Fatalf("recall@10 %.2f with fine codes, want at least 0.8", r)
	}

	if err := g.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	g.mu.RLock()
	kept := g.ix.fine != nil
	g.mu.RUnlock()
	if kept {
		t.Fatal("a rebuilt index has fine codes before they are read")
	}
	if err := g.readNormStats(ctx); err != nil {
		t.Fatal(err)
	}
	checkFineCodes(t, g, faces)
}

// checkFineCodes checks that the index keeps fine codes and that each
// face's is its code against its list's centroid.
func checkFineCodes(t *testing.T, g *Local, faces []Face) {
	t.Helper()
	g.mu.RLock()
	defer g.mu.RUnlock()
	ix := g.ix
	if !ix.fineReady() {
		t.Fatalf("no fine codes (resident %v, fine %v)", ix.resident, ix.fine != nil)
	}
	byID := make(map[FaceID]*Face, len(faces))
	for i := range faces {
		byID[faces[i].ID] = &faces[i]
	}
	want := make([]byte, fineBytes)
	for r, id := range g.ids[:g.nextRow] {
		if id == 0 {
			continue
		}
		f := byID[id]
		if (r+1)*fineBytes > len(ix.fineCodes) || r >= len(ix.fineBeta) {
			t.Fatalf("row %d (face %d) has no fine code", r, id)
		}
		x := (*[dim]float32)(&f.Descriptor)
		beta := ix.fine.encode(x, ix.coarse.centroid(ix.where[r]), want)
		have := ix.fineCodes[r*fineBytes : (r+1)*fineBytes]
		if string(have) != string(want) || ix.fineBeta[r] != beta {
			t.Fatalf("row %d (face %d): fine code or beta differs from its encoding", r, id)
		}
	}
}
