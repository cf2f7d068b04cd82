package store

import (
	"errors"
	"fmt"

	"github.com/beforetrip/beforetrip"
)

// wrap adds context to internal errors and passes domain errors through
// unchanged, so callers keep matching on *beforetrip.Error and users never
// see "store: …" in a message.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var e *beforetrip.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("store: "+format+": %w", append(args, err)...)
}
