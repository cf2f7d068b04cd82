package metrics

import (
	"context"
	"log/slog"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/beforetrip/beforetrip/store"
)

// Every method of the timed store reports under its own op: each is called
// once (zero arguments against a real bbolt file; errors and panics are
// fine, the timing is deferred) and then every op's count must be 1.
func TestStoreTimesEveryMethodUnderItsName(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "beforetrip.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := New(db, slog.New(slog.DiscardHandler))
	timed := reflect.ValueOf(m.Store(db))
	ctxType := reflect.TypeFor[context.Context]()
	for i := range timed.NumMethod() {
		method := timed.Method(i)
		args := make([]reflect.Value, method.Type().NumIn())
		for k := range args {
			in := method.Type().In(k)
			args[k] = reflect.Zero(in)
			if in == ctxType {
				args[k] = reflect.ValueOf(context.Background())
			}
		}
		func() {
			defer func() { _ = recover() }()
			method.Call(args)
		}()
	}
	families, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]uint64{}
	for _, f := range families {
		if f.GetName() != "beforetrip_store_operation_duration_seconds" {
			continue
		}
		for _, s := range f.GetMetric() {
			counts[s.GetLabel()[0].GetValue()] = s.GetHistogram().GetSampleCount()
		}
	}
	for _, op := range storeOpNames() {
		if counts[op] != 1 {
			t.Errorf("op %s counted %d times, want 1", op, counts[op])
		}
	}
	if len(counts) != timed.NumMethod() {
		t.Errorf("%d op series for %d methods", len(counts), timed.NumMethod())
	}
}
