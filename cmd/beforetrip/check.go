package main

import (
	"context"
	"fmt"
	"io"

	"github.com/beforetrip/beforetrip/build"
)

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", "check [--config FILE]", stderr)
	loadCfg := configFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadCfg()
	if err != nil {
		return err
	}
	b, err := build.New(cfg.buildConfig())
	if err != nil {
		return err
	}
	res, err := b.Check(ctx)
	if err != nil {
		return contentError(err, stderr)
	}
	fmt.Fprintf(stdout, "ok: %d pages, %d files rendered in memory, nothing written (%d ms)\n",
		res.Pages, res.Rendered, res.Duration.Milliseconds())
	return nil
}
