package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

// decodeJSON decodes the request body into v strictly: one JSON object,
// no unknown fields, nothing after it. Every failure is a 400 invalid that
// says what was wrong, naming the field when there is one.
//
// The body must be declared application/json: an HTML form on another site
// cannot send that type, and a cross-origin fetch that does needs a CORS
// preflight. That closes login CSRF (logging a victim into the attacker's
// account), which the CSRF token cannot cover before a session exists.
func decodeJSON(c *fiber.Ctx, v any) error {
	if mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); err != nil || mt != fiber.MIMEApplicationJSON {
		return beforetrip.Invalid("", "Content-Type must be application/json.")
	}
	body := c.Body()
	if trimmed := bytes.TrimSpace(body); len(trimmed) == 0 || trimmed[0] != '{' {
		// Also refuses null, which encoding/json would accept as "no change".
		return beforetrip.Invalid("", "Request body must be a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return beforetrip.Invalid("", "Unexpected data after the JSON object.")
	}
	return nil
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return beforetrip.Invalid("", "Request body must be a JSON object.")
		}
		return beforetrip.Invalid(field, "Field %s must be a %s.", field, jsonKind(typeErr.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return beforetrip.Invalid(field, "Unknown field %q.", field)
	default:
		return beforetrip.Invalid("", "Malformed JSON.")
	}
}

// jsonKind names Go kinds the way a JSON client thinks of them.
func jsonKind(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "integer"
	case strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "bool":
		return "boolean"
	case kind == "slice", kind == "array":
		return "list"
	case kind == "struct", kind == "map":
		return "object"
	default:
		return kind
	}
}

// pathID parses the ":id" route parameter: a positive integer.
func pathID(c *fiber.Ctx) (uint64, error) {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil || id == 0 {
		return 0, beforetrip.Errorf(beforetrip.ENOTFOUND, "Not found.")
	}
	return id, nil
}

// queryLimit parses ?limit= (default def, at most max).
func queryLimit(c *fiber.Ctx, def, max int) (int, error) {
	raw := c.Query("limit")
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > max {
		return 0, beforetrip.Invalid("limit", "limit must be an integer from 1 to %d.", max)
	}
	return n, nil
}

// queryPage reads a required page-ID query parameter, in NFC
// (beforetrip.NormalizePageID), and checks its shape. The home page (ID "")
// has no likes or comments (only country, tip and review pages carry the
// widget), so "" is refused like a malformed ID.
func queryPage(c *fiber.Ctx, name string) (string, error) {
	id := beforetrip.NormalizePageID(c.Query(name))
	if id == "" {
		return "", beforetrip.Invalid(name, "Query parameter %s (a page ID) is required.", name)
	}
	if !beforetrip.ValidPageID(id) {
		return "", beforetrip.Invalid(name, "Not a valid page ID.")
	}
	return id, nil
}

// queryCountry reads an optional country query parameter, in NFC
// (beforetrip.NormalizePageID), and checks its shape.
func queryCountry(c *fiber.Ctx) (string, error) {
	country := beforetrip.NormalizePageID(c.Query("country"))
	if country != "" && !beforetrip.ValidPageSegment(country) {
		return "", beforetrip.Invalid("country", "Not a valid country.")
	}
	return country, nil
}
