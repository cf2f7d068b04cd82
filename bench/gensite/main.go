// Command gensite writes a deterministic, complete beforetrip site for
// benchmarks (see package sitegen): config.yaml, a home page, 50 countries
// with full checklists and N tips and reviews of about 900 words each. The
// same seed gives byte-identical output. With --hugo it also writes a
// minimal Hugo project (OUT/hugo) that builds the same content into
// OUT/public-hugo: `hugo --source OUT/hugo`. With --images M the first M
// tips and reviews are page bundles with a generated cover photo.
//
//	go run ./bench/gensite --pages 10000 --out bench/out/10000 [--images 1000] [--seed 1] [--hugo]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/beforetrip/beforetrip/bench/sitegen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gensite:", err)
		}
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gensite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o sitegen.Options
	fs.IntVar(&o.Pages, "pages", 1000, "number of tips and reviews")
	fs.IntVar(&o.Images, "images", 0, "how many of them are page bundles with a cover photo")
	fs.StringVar(&o.Out, "out", "", "output folder (its content/ is replaced)")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed: the same seed gives the same bytes")
	fs.BoolVar(&o.Hugo, "hugo", false, "also write a Hugo project into OUT/hugo")
	fs.StringVar(&o.Theme, "theme", "", "theme folder (default: themes/default of the enclosing beforetrip module)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.Out == "" || o.Pages < 0 || o.Images < 0 || o.Images > o.Pages {
		return errors.New("usage: gensite --pages N --out DIR [--images M ≤ N] [--seed S] [--hugo]")
	}
	if o.Theme == "" {
		root, err := sitegen.ModuleRoot()
		if err != nil {
			return err
		}
		o.Theme = filepath.Join(root, "themes", "default")
	}
	start := time.Now()
	if err := sitegen.Generate(o); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "gensite: %d pages (%d with a photo) + %d countries in %s (%v)\n", o.Pages, o.Images, sitegen.Countries, o.Out, time.Since(start).Round(time.Millisecond))
	return nil
}
