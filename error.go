package beforetrip

import (
	"errors"
	"fmt"
)

// Error codes. api/errors.go maps each to one HTTP status.
const (
	EINVALID         = "invalid"         // 400: bad input, Field names what
	EUNAUTHENTICATED = "unauthenticated" // 401
	EFORBIDDEN       = "forbidden"       // 403
	ECSRF            = "csrf"            // 403: missing or wrong CSRF token
	ENOTFOUND        = "not_found"       // 404
	ECONFLICT        = "conflict"        // 409: name or email taken
	ETOOLARGE        = "too_large"       // 413
	ERATELIMITED     = "rate_limited"    // 429
	EINTERNAL        = "internal"        // 500: never carries internal text
)

// Error is the one domain error type. Its Message is safe to show to users;
// anything else is wrapped with fmt.Errorf and reported as EINTERNAL.
type Error struct {
	Code    string
	Field   string // for EINVALID: the offending field, if any
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("beforetrip: %s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("beforetrip: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the *Error's message, or
// a generic text for internal errors.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
