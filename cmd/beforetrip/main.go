// Command beforetrip builds the site, serves it with the community API, and
// administers the store. Run "beforetrip help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

// command is one subcommand: its name, its one-line summary and its entry
// point. run gets the arguments after the command name.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands is every subcommand, in the order help lists them: the one
// table of the command line, as api's routeTable is of the API.
var commands = []command{
	{"build", "build the static site into the output folder", runBuild},
	{"check", "validate content and templates; write nothing", runCheck},
	{"serve", "build, watch and serve the site with the API and live reload", runServe},
	{"api", "run the API alone (production, behind nginx) with the rebuild worker", runAPI},
	{"new", "scaffold a tip or review: new tip|review COUNTRY SLUG", runNew},
	{"user", "administer accounts: user list|set-role|block|unblock|purge", runUser},
	{"moderation", "the moderation queue and decisions: moderation queue | approve|reject|restore comment|review ID", runModeration},
	{"backup", "copy the store to a file, also while the site runs: backup --out FILE", runBackup},
	{"store", "move the store to PostgreSQL: store copy --from bbolt:PATH --to postgres://…", runStore},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "beforetrip:", err)
		os.Exit(exitCode(err))
	}
}

// Main runs one command; tests call it directly.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == args[0] })
	if i < 0 {
		return fmt.Errorf("unknown command %q (run \"beforetrip help\")", args[0])
	}
	return commands[i].run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "beforetrip: a travel site generator with a built-in community API.")
	fmt.Fprintln(w, "\nUsage: beforetrip COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"beforetrip COMMAND -h\" for a command's flags.")
}

// exitCode is 2 for usage errors and 1 for everything else.
func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// usageError marks bad command-line use.
type usageError struct{ error }

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints its usage to stderr only when asked with -h.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("beforetrip "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fs.SetOutput(stderr)
		fmt.Fprintf(stderr, "Usage: beforetrip %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; -h prints usage and returns flag.ErrHelp, any other
// error becomes a one-line usageError (no usage dump: the flag package would
// print one for every mistake).
func parseFlags(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return err
		}
		return usageError{fmt.Errorf("%s: %w (see -h)", strings.TrimPrefix(fs.Name(), "beforetrip "), err)}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("%s: unexpected argument %q", strings.TrimPrefix(fs.Name(), "beforetrip "), fs.Arg(0))}
	}
	return nil
}

// configFlag registers --config and returns a loader honouring whether the
// flag was set explicitly.
func configFlag(fs *flag.FlagSet) func() (*Config, error) {
	path := fs.String("config", "config.yaml", "configuration `FILE`")
	return func() (*Config, error) {
		explicit := false
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "config" {
				explicit = true
			}
		})
		return loadConfig(*path, explicit)
	}
}
