package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strings"

	"facecase/casefile"
)

// caseSubcommands are the verbs of "facecase-cli case"; each lives in
// cmd_case_<verb>.go and registers itself with registerCaseSub.
var caseSubcommands = map[string]*command{}

func registerCaseSub(c *command) {
	if _, dup := caseSubcommands[c.name]; dup {
		panic("duplicate case subcommand " + c.name)
	}
	caseSubcommands[c.name] = c
}

func init() {
	register(&command{
		name:    "case",
		summary: "case files: new, info, add, enrol, search, review, log, settings, export, verify, import, receipt",
		usage:   "new|info|add|enrol|search|review|log|settings|export|verify|import|receipt [ARGS] (facecase-cli case SUBCOMMAND -h for each)",
		run:     runCase,
	})
}

func runCase(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printCaseUsage(env.stderr)
		if len(args) == 0 {
			return fmt.Errorf("%w: no subcommand", errUsage)
		}
		return nil
	}
	sub, ok := caseSubcommands[args[0]]
	if !ok {
		printCaseUsage(env.stderr)
		return fmt.Errorf("%w: unknown subcommand %q", errUsage, args[0])
	}
	err := sub.run(ctx, env, args[1:])
	if errors.Is(err, errUsage) {
		// main prints the usage of "case"; add the subcommand's own.
		return fmt.Errorf("%w\nusage: facecase-cli case %s %s", err, sub.name, sub.usage)
	}
	return err
}

func printCaseUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: facecase-cli case SUBCOMMAND [ARGS]\n\nsubcommands:")
	names := make([]string, 0, len(caseSubcommands))
	for n := range caseSubcommands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, caseSubcommands[n].summary)
	}
}

// caseFlags makes the flag set of a subcommand ("case add" and so on).
func caseFlags(env *cliEnv, name string) *flag.FlagSet {
	c := caseSubcommands[name]
	return newFlags(env, &command{name: "case " + c.name, summary: c.summary, usage: c.usage})
}

// actorFlag adds --actor, defaulting to $FACECASE_ACTOR or the login name.
func actorFlag(fs *flag.FlagSet) *string {
	return fs.String("actor", defaultActor(), "who does this, as recorded in the audit log (default $FACECASE_ACTOR or the login name)")
}

func defaultActor() string {
	if a := strings.TrimSpace(os.Getenv("FACECASE_ACTOR")); a != "" {
		return a
	}
	if u, err := user.Current(); err == nil {
		if u.Name != "" {
			return u.Name
		}
		return u.Username
	}
	return ""
}

// casePathArg normalises a case path given on the command line: a name
// without an extension gets .facecase.
func casePathArg(p string) string {
	if filepath.Ext(p) == "" {
		return p + casefile.Extension
	}
	return p
}

// openCase opens a case for writing as actor.
func openCase(path, actor string) (*casefile.Case, error) {
	if strings.TrimSpace(actor) == "" {
		return nil, fmt.Errorf("%w: no actor: give --actor or set FACECASE_ACTOR", errUsage)
	}
	return caseOpenErr(casefile.Open(casePathArg(path), casefile.Options{Actor: actor}))
}

// closeCase closes a case a command opened, reporting on stderr (the
// deferred close of a command that has already finished): a failure to
// close, and for a case opened for writing the receipt of its audit
// chain as closed.
func closeCase(env *cliEnv, c *casefile.Case) {
	closeWithReceipt(c, env.stderr)
}

// closeWithReceipt closes c; when it was open for writing, it first makes
// the signed receipt of its audit chain, adds it to the installation's
// receipt journal and prints one line about it on w.
func closeWithReceipt(c *casefile.Case, w io.Writer) error {
	var note string
	if !c.ReadOnly() {
		note = closeReceipt(c)
	}
	err := c.Close()
	if err != nil {
		fmt.Fprintf(w, "facecase-cli: %v\n", err)
	}
	if note != "" {
		fmt.Fprintln(w, note)
	}
	return err
}

// closeReceipt makes, journals and describes the receipt of a case about
// to be closed.
func closeReceipt(c *casefile.Case) string {
	r, journal, err := journalReceipt(c, casefile.ReceiptAtClose)
	if err != nil {
		return fmt.Sprintf("warning: no receipt of the audit log was made: %v", err)
	}
	return fmt.Sprintf("receipt: case %s, audit log %d entries, newest SHA-256 %s, %s, signed by key %s; kept in %s",
		r.Case.Number, r.Chain.Entries, r.Chain.Head, r.Time.Format("2006-01-02 15:04:05Z"), r.KeyID, journal)
}

// journalReceipt makes a signed receipt of c with the installation key
// and adds it to the installation's receipt journal.
func journalReceipt(c *casefile.Case, event string) (*casefile.Receipt, string, error) {
	key, dir, err := installationKey()
	if err != nil {
		return nil, "", err
	}
	r, err := c.Receipt(key, event)
	if err != nil {
		return nil, "", err
	}
	journal, err := casefile.AppendJournal(dir, r)
	return r, journal, err
}

// installationKey loads (or, on first use, creates) the key that signs
// receipts, in the user's config folder.
func installationKey() (*casefile.SigningKey, string, error) {
	dir, err := casefile.KeyDir()
	if err != nil {
		return nil, "", err
	}
	key, err := casefile.LoadOrCreateSigningKey(dir)
	return key, dir, err
}

// openCaseReadOnly opens a case for reading.
func openCaseReadOnly(path string, check casefile.MediaCheck) (*casefile.Case, error) {
	return caseOpenErr(casefile.Open(casePathArg(path), casefile.Options{ReadOnly: true, MediaCheck: check}))
}

// caseOpenErr gives a tampered or damaged case the verification exit code.
func caseOpenErr(c *casefile.Case, err error) (*casefile.Case, error) {
	switch {
	case errors.Is(err, casefile.ErrTampered):
		return nil, &exitError{code: 3, err: fmt.Errorf("%w\nrun 'facecase-cli verify CASE' for the full report", err)}
	case errors.Is(err, casefile.ErrDamaged):
		return nil, &exitError{code: 3, err: fmt.Errorf("%w\nnothing was written; run 'facecase-cli verify CASE' for the full report", err)}
	}
	return c, err
}

// damageErr is the verification exit of a command that showed a case it
// found damaged (opened read-only), or nil for a sound case.
func damageErr(c *casefile.Case) error {
	if d := c.Damage(); len(d) > 0 {
		return &exitError{code: 3, err: fmt.Errorf("%s: %w\nrun 'facecase-cli verify %s' for the full report",
			c.Path(), &casefile.DamageError{Problems: d}, c.Path())}
	}
	return nil
}

// printJSON writes v as one JSON document.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
