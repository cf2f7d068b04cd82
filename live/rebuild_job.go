package live

import (
	"time"

	"github.com/beforetrip/beforetrip"
)

// job is the work of one build. Files and data are sets, so a like storm on
// one page is one entry however many likes it holds.
type job struct {
	newBuilder bool // (re)create the builder: start or config change
	full       bool
	files      map[string]struct{}
	data       map[beforetrip.Change]struct{}
	reviews    bool // data holds a reader review change, not only counts
	due        bool // a scheduled page's date came: publish it (no change announced)
	since      time.Time
}

func (j *job) empty() bool {
	return !j.newBuilder && !j.full && !j.due && len(j.files) == 0 && len(j.data) == 0
}

// merge adds o's work to j.
func (j *job) merge(o job) {
	j.newBuilder = j.newBuilder || o.newBuilder
	j.full = j.full || o.full
	j.reviews = j.reviews || o.reviews
	j.due = j.due || o.due
	for f := range o.files {
		j.addFile(f)
	}
	for c := range o.data {
		j.addData(c)
	}
	j.at(o.since)
}

func (j *job) addFile(f string) {
	if j.files == nil {
		j.files = map[string]struct{}{}
	}
	j.files[f] = struct{}{}
}

func (j *job) addData(c beforetrip.Change) {
	if j.data == nil {
		j.data = map[beforetrip.Change]struct{}{}
	}
	j.data[c] = struct{}{}
	j.reviews = j.reviews || (c.Kind != beforetrip.ChangeLikes && c.Kind != beforetrip.ChangeComments)
}

// at records that a change happened at t.
func (j *job) at(t time.Time) {
	if !t.IsZero() && (j.since.IsZero() || t.Before(j.since)) {
		j.since = t
	}
}
