package main

import (
	"context"
	"fmt"

	"facecase/casefile"
)

func init() {
	registerCaseSub(&command{
		name: "receipt",
		summary: "print a signed receipt of the case's audit log as it is now (entries, newest SHA-256, time), to keep " +
			"apart from the case; 'facecase-cli verify --receipt FILE' checks the case or a bundle against it later",
		usage: "CASE",
		run:   runCaseReceipt,
	})
}

func runCaseReceipt(ctx context.Context, env *cliEnv, args []string) error {
	fs := caseFlags(env, "receipt")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: need exactly one case file", errUsage)
	}
	c, err := openCaseReadOnly(fs.Arg(0), casefile.MediaCheckNone)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := damageErr(c); err != nil {
		return err
	}
	r, journal, err := journalReceipt(c, casefile.ReceiptOnDemand)
	if err != nil {
		return err
	}
	raw, err := r.Indented()
	if err != nil {
		return err
	}
	env.stdout.Write(raw)
	fmt.Fprintf(env.stderr, "receipt also kept in %s\n", journal)
	return nil
}
