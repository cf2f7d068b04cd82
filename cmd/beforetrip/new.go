package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/beforetrip/beforetrip/build"
)

func runNew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("new", "new tip|review COUNTRY SLUG [--config FILE]", stderr)
	loadCfg := configFlag(fs)
	// Flags may come before or after the positional arguments.
	var pos []string
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return parseFlags(fs, rest)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(pos) != 3 || (pos[0] != "tip" && pos[0] != "review") {
		return usageError{errors.New("new: usage: beforetrip new tip|review COUNTRY SLUG")}
	}
	cfg, err := loadCfg()
	if err != nil {
		return err
	}
	// "tip" and "review" are beforetrip.KindTip and KindReview.
	file, err := build.NewPage(cfg.Path(cfg.ContentDir), pos[0], pos[1], pos[2], time.Now())
	var arg *build.ArgError
	if errors.As(err, &arg) {
		return usageError{fmt.Errorf("new: %w", err)}
	}
	if err != nil {
		return fmt.Errorf("new: %w", err)
	}
	// The scaffold is a draft: without saying so, a new user looks for it
	// in serve and check and does not find it.
	fmt.Fprintf(stdout, "created %s\n"+
		"It is a draft (draft: true): build, check and serve leave it out until it is published.\n"+
		"  see it:     beforetrip serve --drafts, then open /countries/%s/%ss/%s/\n"+
		"  publish it: delete the line \"draft: true\" from its front matter\n",
		file, pos[1], pos[0], pos[2])
	return nil
}
