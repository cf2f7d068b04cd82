package api

import (
	"errors"
	"net/http"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

// statusOf maps a domain error code to its HTTP status. It is the only place
// that does (STYLE.md habit 1).
func statusOf(code string) int {
	switch code {
	case beforetrip.EINVALID:
		return http.StatusBadRequest
	case beforetrip.EUNAUTHENTICATED:
		return http.StatusUnauthorized
	case beforetrip.EFORBIDDEN, beforetrip.ECSRF:
		return http.StatusForbidden
	case beforetrip.ENOTFOUND:
		return http.StatusNotFound
	case beforetrip.ECONFLICT:
		return http.StatusConflict
	case beforetrip.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case beforetrip.ERATELIMITED:
		return http.StatusTooManyRequests
	case codeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case codeUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// codeMethodNotAllowed is the API's one code beyond the domain's: a known
// path asked with the wrong method. It never comes from a service.
const codeMethodNotAllowed = "method_not_allowed"

// codeUnavailable is /api/readyz's answer when the store does not: this
// instance should get no traffic until it does. It never comes from a service.
const codeUnavailable = "unavailable"

// errorBody is the JSON shape of every error: {"error":{"code","message","field"?}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// fromFiber turns fiber's own errors (body too large, unknown route, bad
// method, a request fasthttp could not read) into domain errors so they
// answer in our JSON.
func fromFiber(fe *fiber.Error) *beforetrip.Error {
	switch fe.Code {
	case http.StatusRequestEntityTooLarge:
		return beforetrip.Errorf(beforetrip.ETOOLARGE, "Request body too large (limit %d KiB).", bodyLimit/1024)
	case http.StatusNotFound:
		return beforetrip.Errorf(beforetrip.ENOTFOUND, "No such API endpoint.")
	case http.StatusMethodNotAllowed:
		return beforetrip.Errorf(codeMethodNotAllowed, "Method not allowed on this endpoint.")
	}
	if fe.Code >= 400 && fe.Code < 500 {
		return beforetrip.Errorf(beforetrip.EINVALID, "Bad request.")
	}
	return beforetrip.Errorf(beforetrip.EINTERNAL, "Internal error.")
}

// handleError writes err as the API's JSON error. Internal errors are logged
// with their text and answered with a generic message. Paths outside /api
// (static files added by `serve`) keep fiber's plain-text errors, except
// 413: a body refused while it was read (a chunked body past readLimit)
// reaches here with the request reset to "GET /", and only API calls send
// bodies, so a 413 is always the API's.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		if fe.Code != http.StatusRequestEntityTooLarge && !isAPIPath(c.Path()) {
			return fiber.DefaultErrorHandler(c, err)
		}
		err = fromFiber(fe)
	}
	code := beforetrip.ErrorCode(err)
	status := statusOf(code)
	detail := errorDetail{Code: code, Message: beforetrip.ErrorMessage(err)}
	var de *beforetrip.Error
	if errors.As(err, &de) {
		detail.Field = de.Field
	}
	if status == http.StatusInternalServerError {
		detail.Code, detail.Message = beforetrip.EINTERNAL, "Internal error."
		s.log.Error("api: internal error", "method", c.Method(), "path", c.Path(),
			"request_id", requestID(c), "err", err)
	}
	return c.Status(status).JSON(errorBody{Error: detail})
}
