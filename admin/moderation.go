package admin

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/beforetrip/beforetrip"
)

// moderation answers the moderation routes of the socket: the same
// actions as the admin API, signed beforetrip.CLIActor.
type moderation struct {
	db     Store
	follow Follower
}

// roleRequest is the body of PUT /users/{name}/role.
type roleRequest struct {
	Role beforetrip.Role `json:"role"`
}

// blockRequest is the body of POST /users/{name}/block: days 0 blocks for
// good.
type blockRequest struct {
	Days   int    `json:"days"`
	Reason string `json:"reason"`
}

// decisionRequest is the body of POST /{comments|reviews}/{id}/{decision}.
type decisionRequest struct {
	Reason string `json:"reason"`
}

// PurgeResult counts what a purge removed.
type PurgeResult struct {
	Comments int `json:"comments"`
	Reviews  int `json:"reviews"`
}

// decode reads a small JSON body into v; a malformed one is EINVALID.
func decode(w http.ResponseWriter, r *http.Request, v any, want string) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return beforetrip.Invalid("body", "want %s", want)
	}
	return nil
}

func (m moderation) users(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, err := m.db.Users(r.Context(), beforetrip.UserQuery{Prefix: q.Get("q"), Cursor: q.Get("cursor")})
	replyJSON(w, page, err)
}

func (m moderation) role(w http.ResponseWriter, r *http.Request) {
	var req roleRequest
	if err := decode(w, r, &req, `{"role": ROLE}`); err != nil {
		writeError(w, err)
		return
	}
	reply(w, m.db.ChangeRole(r.Context(), beforetrip.CLIActor, r.PathValue("name"), req.Role))
}

func (m moderation) block(w http.ResponseWriter, r *http.Request) {
	var req blockRequest
	if err := decode(w, r, &req, `{"days": N, "reason": TEXT}`); err != nil {
		writeError(w, err)
		return
	}
	b, err := beforetrip.BlockFor(time.Now(), req.Days, req.Reason)
	if err != nil {
		writeError(w, err)
		return
	}
	reply(w, m.db.Block(r.Context(), beforetrip.CLIActor, r.PathValue("name"), b))
}

func (m moderation) unblock(w http.ResponseWriter, r *http.Request) {
	reply(w, m.db.Unblock(r.Context(), beforetrip.CLIActor, r.PathValue("name")))
}

// purge removes a user's comments and reviews; each removal is followed
// up (the pages that showed them are rebuilt).
func (m moderation) purge(w http.ResponseWriter, r *http.Request) {
	res, err := m.db.PurgeUser(r.Context(), beforetrip.CLIActor, r.PathValue("name"))
	var out PurgeResult
	for i := range res {
		m.follow.Moderated(r.Context(), &res[i])
		if res[i].Comment != nil {
			out.Comments++
		} else {
			out.Reviews++
		}
	}
	replyJSON(w, out, err)
}

func (m moderation) queue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, err := m.db.Queue(r.Context(), beforetrip.QueueKind(q.Get("kind")), q.Get("cursor"), 0)
	replyJSON(w, page, err)
}

// decide returns the handler of decisions on one kind of item.
func (m moderation) decide(kind beforetrip.ItemKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
		if err != nil || id == 0 {
			writeError(w, beforetrip.Invalid("id", "The ID must be a positive number."))
			return
		}
		d := beforetrip.Decision(r.PathValue("decision"))
		if !d.Valid() {
			writeError(w, beforetrip.Invalid("decision", "The decision must be approve, reject or restore."))
			return
		}
		var req decisionRequest
		if r.ContentLength != 0 {
			if err := decode(w, r, &req, `{"reason": TEXT}`); err != nil {
				writeError(w, err)
				return
			}
		}
		res, err := m.db.Decide(r.Context(), beforetrip.CLIActor, kind, id, d, req.Reason)
		if err == nil {
			m.follow.Moderated(r.Context(), res)
		}
		reply(w, err)
	}
}
