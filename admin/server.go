// Package admin lets the command line administer a running server's store:
// bbolt locks the file for one process, so while `beforetrip serve` or
// `beforetrip api` runs, `beforetrip user` and `beforetrip backup` talk to it
// over HTTP on a unix socket in the data folder (mode 0600: only the owner
// of the data can use it).
package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/beforetrip/beforetrip"
)

// shutdownGrace is how long Serve lets running requests (a backup) finish
// after ctx ends before it cuts them.
const shutdownGrace = 10 * time.Second

// Store is what the admin socket needs of the store (*store.DB in the
// program): the moderation actions, signed beforetrip.CLIActor in the audit
// log, and hot backups.
type Store interface {
	Users(ctx context.Context, q beforetrip.UserQuery) (*beforetrip.UserPage, error)
	Block(ctx context.Context, actor beforetrip.Author, username string, b beforetrip.Block) error
	Unblock(ctx context.Context, actor beforetrip.Author, username string) error
	ChangeRole(ctx context.Context, actor beforetrip.Author, username string, role beforetrip.Role) error
	PurgeUser(ctx context.Context, actor beforetrip.Author, username string) ([]beforetrip.ModResult, error)
	Queue(ctx context.Context, q beforetrip.QueueKind, cursor string, limit int) (*beforetrip.QueuePage, error)
	Decide(ctx context.Context, actor beforetrip.Author, kind beforetrip.ItemKind, id uint64,
		d beforetrip.Decision, reason string) (*beforetrip.ModResult, error)
	// Backup writes a consistent copy of the whole store to w.
	Backup(w io.Writer) (int64, error)
}

// Follower follows up the moderation steps made on the socket: rebuilds of
// what they changed and the mails they cause (the API server in the
// program, so that both ways behave the same).
type Follower interface {
	Moderated(ctx context.Context, res *beforetrip.ModResult)
}

// Serve answers admin requests on socketPath until ctx ends, then removes
// the socket. A stale socket file (left by a crash) is replaced; a socket a
// live server answers on is an error. Every moderation step is handed to
// follow.
func Serve(ctx context.Context, socketPath string, db Store, follow Follower, logger *slog.Logger) error {
	l, err := listen(socketPath)
	if err != nil {
		return err
	}
	defer l.remove()
	srv := &http.Server{
		Handler:           logRequests(logger, routes(db, follow)),
		ReadHeaderTimeout: 5 * time.Second,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	logger.Info("admin socket listening", "socket", socketPath)
	select {
	case err := <-done:
		return fmt.Errorf("admin: serve %s: %w", socketPath, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	<-done
	return nil
}

func routes(db Store, follow Follower) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := db.Backup(w); err != nil {
			// The status is sent already: cutting the chunked stream is the
			// only way to tell the client its copy is incomplete.
			panic(http.ErrAbortHandler)
		}
	})
	m := moderation{db: db, follow: follow}
	mux.HandleFunc("GET /users", m.users)
	mux.HandleFunc("PUT /users/{name}/role", m.role)
	mux.HandleFunc("POST /users/{name}/block", m.block)
	mux.HandleFunc("POST /users/{name}/unblock", m.unblock)
	mux.HandleFunc("POST /users/{name}/purge", m.purge)
	mux.HandleFunc("GET /queue", m.queue)
	mux.HandleFunc("POST /comments/{id}/{decision}", m.decide(beforetrip.ItemComment))
	mux.HandleFunc("POST /reviews/{id}/{decision}", m.decide(beforetrip.ItemReview))
	return mux
}

// errorBody is the JSON error shape, the same as the public API's.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Field   string `json:"field,omitempty"`
		Message string `json:"message"`
	} `json:"error"`
}

func reply(w http.ResponseWriter, err error) {
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// replyJSON sends v, or the error.
func replyJSON(w http.ResponseWriter, v any, err error) {
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, err error) {
	var body errorBody
	body.Error.Code = beforetrip.ErrorCode(err)
	body.Error.Message = beforetrip.ErrorMessage(err)
	var e *beforetrip.Error
	if errors.As(err, &e) {
		body.Error.Field = e.Field
	} else {
		// The socket is owner-only, so the operator may see the cause.
		body.Error.Message = err.Error()
	}
	status := http.StatusInternalServerError
	switch body.Error.Code {
	case beforetrip.EINVALID:
		status = http.StatusBadRequest
	case beforetrip.ENOTFOUND:
		status = http.StatusNotFound
	case beforetrip.EFORBIDDEN:
		status = http.StatusForbidden
	case beforetrip.ECONFLICT:
		status = http.StatusConflict
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			logger.Info("admin request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "duration", time.Since(start))
		}()
		next.ServeHTTP(sw, r)
	})
}
