// Package live keeps a built site current while it is served. It does three
// jobs, and its files are named by job:
//
//   - rebuild_*: the rebuild worker, one goroutine that owns the builder
//     and runs one build at a time for file changes and API data changes
//     (rebuild_worker.go; the pending work of one build in rebuild_job.go;
//     its results and options in rebuild_options.go).
//   - reload_*: live reload for open browser tabs, server-sent events
//     (reload_hub.go fans build results out, reload_stream.go writes the
//     event stream) and the page script reload.js.
//   - static.go: the static file handler of `beforetrip serve`.
package live
