package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"facecase/facedata"
	"facecase/internal/fsutil"
	"facecase/models"
	"facecase/recognition/eval"
	"facecase/recognition/scorenorm"
)

// FairFace's terms, as its README gives them: derived data such as
// descriptors may be shipped with this attribution.
const (
	fairFaceLicence     = "CC BY 4.0"
	fairFaceAttribution = `Karkkainen, K. and Joo, J., "FairFace: Face Attribute Dataset for Balanced Race, Gender, and Age for Bias Measurement and Mitigation", WACV 2021`
)

// runModelsCohort makes a score normalisation cohort file from a folder of
// face images of different people: the engine's descriptor of each image's
// largest usable face (descriptors only, never the images), K, the
// calibration on the cohort's own pairs, and the data's terms.
func runModelsCohort(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, commands["models"])
	data := fs.String("data", "", "folder of face images, one person each (FairFace adults for the shipped cohort)")
	out := fs.String("out", "", "cohort file to write (models/cohort/ID.cohort)")
	id := fs.String("id", "fairface-adults-v1", "cohort id and version")
	source := fs.String("source", "FairFace adults (360 images of 224x224, balanced by age and gender across seven race groups)", "what the images are")
	licence := fs.String("licence", fairFaceLicence, "licence of the images")
	attribution := fs.String("attribution", fairFaceAttribution, "attribution the licence asks for")
	minFace := fs.Int("min-face", 80, "smallest face in pixels (the images are face crops)")
	cachePath := fs.String("cache", "", "descriptor cache file (default: none)")
	anyQuality := fs.Bool("any-quality", true, "take each image's largest face even below the quality limits (measured: a cohort of all 360 FairFace faces transferred its calibration to other data better than the 259 usable ones)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *data == "" || *out == "" {
		return fmt.Errorf("%w: --data and --out are required", errUsage)
	}
	ds, err := cohortDataset(*data)
	if err != nil {
		return err
	}
	descPath, err := models.Locate("descriptor")
	if err != nil {
		return err
	}
	modelSum, err := fsutil.SHA256File(descPath)
	if err != nil {
		return err
	}
	descs, err := cohortDescriptors(ctx, env, ds, *minFace, *anyQuality, *cachePath)
	if err != nil {
		return err
	}
	info := scorenorm.Info{
		ID: *id, DescriptorModelSHA256: modelSum, K: scorenorm.DefaultK,
		Source: *source, Licence: *licence, Attribution: *attribution,
		Made: fmt.Sprintf("facecase-cli models cohort: the descriptor of the largest %sface of each image (detector ssd, faces from %d px, "+
			"small images framed in grey when no face was found); %d of %d images gave one",
			map[bool]string{true: "", false: "usable "}[*anyQuality], *minFace, len(descs), len(ds.Samples)),
	}
	c, err := scorenorm.New(info, descs)
	if err != nil {
		return err
	}
	return writeCohort(env, *out, c, modelSum)
}

// cohortDescriptors describes the largest face of every image of ds, through
// the descriptor cache at cachePath when one is named, and returns the
// descriptors of the images that gave one.
func cohortDescriptors(ctx context.Context, env *cliEnv, ds *eval.Dataset, minFace int, anyQuality bool, cachePath string) ([]facedata.Descriptor, error) {
	emb, err := eval.NewEngineEmbedder(eval.EngineConfig{MinFaceSize: minFace, WithoutCohort: true, AnyQuality: anyQuality})
	if err != nil {
		return nil, err
	}
	defer emb.Close()
	var cache *eval.Cache
	if cachePath != "" {
		if cache, err = eval.OpenCache(cachePath); err != nil {
			return nil, err
		}
		defer cache.Close()
	}
	tp := newTextProgress(env.stderr)
	en, err := eval.Enrol(ctx, ds, emb, cache, 0, tp)
	tp.Finish()
	if err != nil {
		return nil, err
	}
	var descs []facedata.Descriptor
	for i, st := range en.Status {
		if st == eval.StatusEnrolled {
			descs = append(descs, en.Descriptors[i])
		}
	}
	return descs, nil
}

// writeCohort encodes c into the file out and prints its size, calibration
// and hashes for the manifest.
func writeCohort(env *cliEnv, out string, c *scorenorm.Cohort, modelSum string) error {
	raw, err := scorenorm.Encode(c)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := fsutil.WriteFileAtomic(out, raw, 0o644); err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	cal := c.Calibration()
	fmt.Fprintf(env.stdout, "cohort %s: %d faces, K=%d, calibrated from FMR %s to %s on %d non-mated pairs\n",
		c.ID(), c.Size(), c.K(), scorenorm.FormatFMR(cal.MinFMR), scorenorm.FormatFMR(cal.MaxFMR), cal.Pairs)
	fmt.Fprintf(env.stdout, "wrote %s (%d bytes)\nsha256 %s\ndescriptor model sha256 %s\n", out, len(raw), hex.EncodeToString(sum[:]), modelSum)
	fmt.Fprintln(env.stdout, "record both in models/manifest.json (cohort.sha256, cohort.descriptor_sha256)")
	return nil
}

// cohortDataset lists the image files of a folder, each its own person.
func cohortDataset(dir string) (*eval.Dataset, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cohort data: %w", err)
	}
	ds := &eval.Dataset{Source: dir, Kind: eval.KindFolders, Skipped: eval.NewSkipped()}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".jpg" && ext != ".jpeg" && ext != ".png") {
			continue
		}
		ds.Samples = append(ds.Samples, eval.Sample{Path: filepath.Join(dir, e.Name()), Rel: e.Name(), Identity: e.Name()})
	}
	sort.Slice(ds.Samples, func(i, j int) bool { return ds.Samples[i].Rel < ds.Samples[j].Rel })
	if len(ds.Samples) < scorenorm.MinCohortFaces {
		return nil, fmt.Errorf("cohort data %s: %d images, at least %d are needed", dir, len(ds.Samples), scorenorm.MinCohortFaces)
	}
	return ds, nil
}
