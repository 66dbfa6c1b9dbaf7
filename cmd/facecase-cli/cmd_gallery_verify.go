package main

import (
	"context"
	"fmt"

	"facecase/recognition/gallery"
)

func galleryVerify(ctx context.Context, env *cliEnv, args []string) error {
	c := &command{name: "gallery verify", summary: "Check every checksum and record of a gallery file (exit 3 when it is damaged).",
		usage: "-gallery FILE [-upgrade]"}
	fs := newFlags(env, c)
	path := fs.String("gallery", "", "gallery file")
	upgrade := fs.Bool("upgrade", false, "first upgrade a file of an older version to the current format, which adds checksums (writes to the file)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *path == "" {
		return fmt.Errorf("%w: need -gallery", errUsage)
	}
	if *upgrade {
		if err := upgradeGallery(ctx, env, *path); err != nil {
			return err
		}
	}
	g, err := gallery.OpenReadOnly(*path, gallery.Options{})
	if err != nil {
		return err
	}
	defer g.Close()
	if err := g.Verify(ctx); err != nil {
		return err
	}
	st := g.Stats()
	if st.Legacy {
		fmt.Fprintf(env.stdout, "%s: %d faces; its layout is sound, but it is in an older format without checksums (run 'facecase-cli gallery verify -upgrade -gallery FILE' to add them)\n", *path, st.Faces)
		return nil
	}
	fmt.Fprintf(env.stdout, "%s: OK, %d faces, every checksum verified\n", *path, st.Faces)
	return nil
}

// upgradeGallery brings a gallery file of an older version to the current
// format (checksums), with progress; a current file is left untouched.
func upgradeGallery(ctx context.Context, env *cliEnv, path string) error {
	old, err := gallery.NeedsUpgrade(path)
	if err != nil || !old {
		return err
	}
	rep, finish := cliProgress(env, false)
	defer finish()
	g, err := gallery.Open(path, gallery.Options{ManualRebuild: true, Progress: rep})
	if err != nil {
		return err
	}
	if err := g.Upgrade(ctx); err != nil {
		g.Close()
		return err
	}
	return g.Close()
}

// warnLegacy says on standard error when a gallery file has no checksums
// yet, so that damage to it could go unnoticed.
func warnLegacy(env *cliEnv, g *gallery.Local, path string) {
	if g.Stats().Legacy {
		fmt.Fprintf(env.stderr, "note: %s is in an older format without checksums; 'facecase-cli gallery verify -upgrade -gallery FILE' adds them\n", path)
	}
}
