package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// decodeTargets are the request types the API decodes, by index.
var decodeTargets = []func() any{
	func() any { return &registerRequest{} },
	func() any { return &loginRequest{} },
	func() any { return &createCommentRequest{} },
	func() any { return &editCommentRequest{} },
	func() any { return &reviewFields{} },
}

// FuzzDecodeJSON checks decodeJSON on every request type: it never panics,
// every failure is a 400 invalid domain error, and a success means the body
// was one JSON object whose keys are all fields of the type.
func FuzzDecodeJSON(f *testing.F) {
	seeds := []string{
		`{"username":"alice","email":"a@example.com","password":"correct horse battery"}`,
		`{"login":"alice","password":"x"}`, `{"page":"countries/japan","body":"hi","parent_id":3}`,
		`{"body":"edited"}`, `{"country":"japan","title":"t","rating":5,"body":"b"}`, `{"rating":null}`,
		`{"admin":true}`, `{"username":"a","username":"b"}`, `{"USERNAME":"a"}`, `null`, `[]`, `"str"`, `1`,
		`{} {}`, `{"page":"a\u0000b"}`, `{"parent_id":-1}`, `{"parent_id":1e400}`, `{"rating":1.5}`,
		`{"body":` + strings.Repeat("[", 2000) + `}`, "\xef\xbb\xbf{}", `{"body":"\ud800"}`, ``, `   `,
	}
	for _, s := range seeds {
		for i := range decodeTargets {
			f.Add(uint8(i), []byte(s))
		}
	}
	app := fiber.New()
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		v := decodeTargets[int(which)%len(decodeTargets)]()
		c := app.AcquireCtx(&fasthttp.RequestCtx{})
		defer app.ReleaseCtx(c)
		c.Request().Header.SetContentType(fiber.MIMEApplicationJSON)
		c.Request().SetBody(body)
		err := decodeJSON(c, v)
		if err != nil {
			if code := beforetrip.ErrorCode(err); code != beforetrip.EINVALID {
				t.Fatalf("decode %q: error code %q (%v), want invalid", body, code, err)
			}
			return
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(body, &obj) != nil || obj == nil {
			t.Fatalf("decode %q into %T succeeded, but the body is not one JSON object", body, v)
		}
		fields := jsonFields(reflect.TypeOf(v).Elem())
		for k := range obj {
			if !fields[strings.ToLower(k)] {
				t.Fatalf("decode %q into %T accepted unknown field %q", body, v, k)
			}
		}
	})
}

// jsonFields lists a struct's JSON field names, lower-cased (encoding/json
// matches them case-insensitively).
func jsonFields(t reflect.Type) map[string]bool {
	m := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[strings.ToLower(name)] = true
	}
	return m
}

// TestDecodeJSONRefuses pins the verdicts FuzzDecodeJSON relies on.
func TestDecodeJSONRefuses(t *testing.T) {
	app := fiber.New()
	tests := []struct {
		name, body string
		ok         bool
	}{
		{"object", `{"login":"a","password":"b"}`, true},
		{"unknown field", `{"login":"a","password":"b","admin":true}`, false},
		{"null", `null`, false},
		{"array", `[]`, false},
		{"string", `"x"`, false},
		{"two objects", `{}{}`, false},
		{"deep nesting", `{"login":` + strings.Repeat("[", 100000) + `}`, false},
		{"NUL inside a string", `{"login":"a\u0000b","password":"b"}`, true},
		{"raw NUL byte", "{\"login\":\"a\x00b\"}", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := app.AcquireCtx(&fasthttp.RequestCtx{})
			defer app.ReleaseCtx(c)
			c.Request().Header.SetContentType(fiber.MIMEApplicationJSON)
			c.Request().SetBody(bytes.Clone([]byte(tt.body)))
			err := decodeJSON(c, &loginRequest{})
			if (err == nil) != tt.ok {
				t.Fatalf("decodeJSON(%.40q) = %v, want ok=%v", tt.body, err, tt.ok)
			}
		})
	}
}
