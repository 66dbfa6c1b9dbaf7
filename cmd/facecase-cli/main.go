// Command facecase-cli is the headless face of facecase: the same engine,
// case files and evaluation as the desktop app, for batch work, scripting
// and CI. Each verb lives in its own cmd_<verb>.go file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	_ "facecase/internal/cmalloc/arenacap" // one malloc arena a core, set as the program loads
)

// command is one verb of the command line.
type command struct {
	name    string
	summary string
	usage   string // arguments after the verb, for the usage line
	// run gets the arguments after the verb. Long work watches ctx, which is
	// cancelled on Ctrl-C or SIGTERM.
	run func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv carries what every command writes to.
type cliEnv struct {
	stdout io.Writer
	stderr io.Writer
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("duplicate command " + c.name)
	}
	commands[c.name] = c
}

// errUsage marks a command-line mistake: the usage is printed, exit code 2.
var errUsage = errors.New("usage")

// exitError carries a specific exit code (for example 3 when verification fails).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, &cliEnv{stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:]))
}

func run(ctx context.Context, env *cliEnv, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(env.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.stderr, "facecase-cli: unknown command %q\n\n", args[0])
		printUsage(env.stderr)
		return 2
	}
	err := c.run(ctx, env, args[1:])
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(env.stderr, "facecase-cli %s: %v\nusage: facecase-cli %s %s\n", c.name, err, c.name, c.usage)
		return 2
	case errors.As(err, &ee):
		fmt.Fprintf(env.stderr, "facecase-cli %s: %v\n", c.name, ee.err)
		return ee.code
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(env.stderr, "facecase-cli %s: cancelled; work finished so far is kept\n", c.name)
		return 130
	default:
		fmt.Fprintf(env.stderr, "facecase-cli %s: %v\n", c.name, err)
		return 1
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: facecase-cli COMMAND [ARGS]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'facecase-cli COMMAND -h' for a command's options.")
}

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(env *cliEnv, c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "usage: facecase-cli %s %s\n\n%s\n\noptions:\n", c.name, c.usage, c.summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; a bad flag is a usage error (exit 2), -h exits 0.
// The flag package has already printed the message and the usage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: 2, err: err}
	}
	return nil
}
