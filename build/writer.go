package build

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cespare/xxhash/v2"
)

// outputsFile records, inside the output folder, every file the builder
// published with its hash, size and mtime: a later process knows what it
// may remove, and which files are unchanged without reading them.
const outputsFile = ".beforetrip-outputs.json"

// tmpPrefix names temp files and folders inside the output folder (dot
// files: nginx never serves them). Leftovers of a crashed build are
// removed at the start of the next one.
const tmpPrefix = ".bt-tmp-"

// record is what the writer knows about one published file.
type record struct {
	Sum   string `json:"xxh64"` // contentSum; records of older versions (sha256) just do not match
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime"` // UnixNano
}

// writer publishes output files. It remembers the hash of every file it
// published, so unchanged bytes are never rewritten (and keep their mtime).
type writer struct {
	dir     string
	loaded  bool
	files   map[string]record // output path → what is on disk
	trusted map[string]bool   // records checked against the disk in this process
	full    bool              // a full build: save the records even if the set is unchanged
	enc     recordsJSON       // outputsFile's encoding, kept up to date by set and unset
	// manifestArr is the array of the last page manifest published from
	// memory, for the next one to be rendered into: at 10k pages it is
	// ~2 MB, and a fresh array per rebuild cost more than writing it.
	manifestArr []byte
}

func newWriter(dir string) *writer {
	return &writer{dir: dir, files: map[string]record{}, trusted: map[string]bool{}}
}

// batch is one build's staged output. Changed files are kept in memory up
// to memStageLimit bytes, the rest appended to one pack file (cheap
// sequential writes) while rendering; nothing in the output folder
// changes until publish, so a failed build writes nothing.
type batch struct {
	w        *writer
	packOnce sync.Once
	pack     *os.File
	packErr  error
	size     atomic.Int64
	memSize  atomic.Int64 // bytes held in mem
	mu       sync.Mutex
	at       map[string][2]int64 // output path → offset and length in pack
	mem      map[string][]byte   // output path → its bytes, staged in memory
	sums     map[string]string
	same     int        // rendered, identical bytes
	cold     *coldStage // set when a full build starts from an empty output folder
	dataOnly bool       // a Rebuild's for data changes only (Builder.workers)
	// background: render and publish on threads of lower priority
	// (WithDataRebuildWorkers), one goroutine publishing, each yielding
	// after every file (see yieldToRequests).
	background bool
}

// yieldToRequests lets the goroutines waiting for a processor run before
// a background worker takes its next file. A worker locked to a thread of
// lower priority still holds a processor while it runs, and the kernel's
// priorities cannot help requests that wait for one inside Go's scheduler:
// in a trace of a like storm, both processors were held by the two
// publishing workers (syscalls so short that the processor stays with
// them) while the 64 likes a commit had just woken waited 6 ms for one.
// Go preempts a running goroutine only after 10 ms; a yield per file
// bounds the wait to one file's work.
func (bt *batch) yieldToRequests() {
	if bt.background {
		runtime.Gosched()
	}
}

// begin prepares a batch: it removes stale temp files and reads what an
// earlier process published. A full build into an empty output folder
// writes through a coldStage instead of the pack.
func (w *writer) begin(full bool) (*batch, error) {
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return nil, fmt.Errorf("build: output folder: %w", err)
	}
	if stale, err := filepath.Glob(filepath.Join(w.dir, tmpPrefix+"*")); err == nil {
		for _, s := range stale {
			_ = os.RemoveAll(s)
		}
	}
	if !w.loaded {
		w.loaded = true
		if data, err := os.ReadFile(filepath.Join(w.dir, outputsFile)); err == nil {
			var files map[string]record
			if json.Unmarshal(data, &files) == nil {
				for p, r := range files {
					if safeOutPath(p) {
						w.files[p] = r
					}
				}
			}
		}
	}
	bt := &batch{w: w, at: map[string][2]int64{}, mem: map[string][]byte{}, sums: map[string]string{}}
	if full {
		var err error
		if bt.cold, err = newColdStage(w.dir, len(w.files)); err != nil {
			return nil, err
		}
	}
	return bt, nil
}

// memStageLimit bounds the bytes a batch stages in memory. A one-file
// rebuild at 10k pages changes a few MB (the page manifest alone is
// ~2 MB): writing them to the pack and reading them back was a fifth of
// its CPU. A build that changes more (a theme edit rewrites every page)
// stages the rest in the pack, so memory stays bounded.
const memStageLimit = 32 << 20

// packFile creates the staging pack on first use: a rebuild whose output
// is unchanged never touches the disk.
func (bt *batch) packFile() (*os.File, error) {
	bt.packOnce.Do(func() {
		bt.pack, bt.packErr = os.CreateTemp(bt.w.dir, tmpPrefix+"pack-")
	})
	return bt.pack, bt.packErr
}

// safeOutPath refuses paths that would leave the output folder.
func safeOutPath(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && path.Clean(p) == p && !strings.HasPrefix(p, "../") && p != ".."
}

// unchanged reports whether the file at p holds data (whose sum is sum).
// A record from an earlier process is trusted only if the file's size and
// mtime still match; otherwise the file is read and hashed. A record
// without a sum (written by a version that used another hash) is checked
// against the bytes on disk, so an upgrade does not rewrite the site.
func (bt *batch) unchanged(p, sum string, data []byte) bool {
	bt.mu.Lock()
	r, ok := bt.w.files[p]
	trusted := bt.w.trusted[p]
	bt.mu.Unlock()
	if !ok || (r.Sum != sum && r.Sum != "") {
		return false
	}
	if trusted && r.Sum != "" {
		return true
	}
	file := filepath.Join(bt.w.dir, filepath.FromSlash(p))
	st, err := os.Stat(file)
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	if r.Sum != "" && st.Size() == r.Size && st.ModTime().UnixNano() == r.MTime {
		return true
	}
	if data == nil || st.Size() != int64(len(data)) {
		return false // nil: keep has no bytes to compare (an emptied file is not "equal" to them)
	}
	disk, err := os.ReadFile(file)
	if err != nil || !bytes.Equal(disk, data) {
		return false
	}
	bt.mu.Lock()
	bt.w.set(p, record{Sum: sum, Size: st.Size(), MTime: st.ModTime().UnixNano()})
	bt.mu.Unlock()
	return true
}

// contentSum identifies a file's bytes: XXH64, hex. It only tells a
// rebuilt file from the one on disk (a changed file goes unwritten only if
// its new sum equals the old one: 1 in 2^64 per change; no adversary
// chooses our pages' bytes against it), and at 10k pages SHA-256 of every
// output was 4% of a build's CPU; XXH64 is ~20× faster.
func contentSum(data []byte) string {
	return strconv.FormatUint(xxhash.Sum64(data), 16)
}

// stage records the bytes of one output, buf's. Bytes staged in memory
// are taken, not copied (at 10k pages the manifest is ~2 MB): buf is then
// left empty, without its array. Safe for concurrent use.
func (bt *batch) stage(p string, buf *bytes.Buffer) error {
	data := buf.Bytes()
	sum := contentSum(data)
	if bt.unchanged(p, sum, data) {
		bt.mu.Lock()
		bt.same++
		bt.w.trusted[p] = true
		bt.mu.Unlock()
		return nil
	}
	if bt.cold != nil {
		return bt.cold.write(p, sum, data)
	}
	if bt.memSize.Add(int64(len(data))) <= memStageLimit {
		*buf = bytes.Buffer{}
		bt.mu.Lock()
		bt.mem[p] = data
		delete(bt.at, p) // staged again: the last bytes count
		bt.sums[p] = sum
		bt.mu.Unlock()
		return nil
	}
	bt.memSize.Add(-int64(len(data)))
	pack, err := bt.packFile()
	if err != nil {
		return fmt.Errorf("build: staging: %w", err)
	}
	off := bt.size.Add(int64(len(data))) - int64(len(data))
	if _, err := pack.WriteAt(data, off); err != nil {
		return fmt.Errorf("build: stage %s: %w", p, err)
	}
	bt.mu.Lock()
	bt.at[p] = [2]int64{off, int64(len(data))}
	delete(bt.mem, p)
	bt.sums[p] = sum
	bt.mu.Unlock()
	return nil
}

// keep counts the output at p as unchanged, without its bytes, when the
// published file is the one whose sum is sum (the writer's record, its
// size and mtime as unchanged checks them). A cold build keeps nothing.
func (bt *batch) keep(p, sum string) bool {
	if bt.cold != nil || sum == "" || !bt.unchanged(p, sum, nil) {
		return false
	}
	bt.mu.Lock()
	bt.same++
	bt.w.trusted[p] = true
	bt.mu.Unlock()
	return true
}

// abortIfAny drops everything staged; a nil batch has nothing.
func (bt *batch) abortIfAny() {
	if bt != nil {
		bt.abort()
	}
}

// abort drops everything staged.
func (bt *batch) abort() {
	if bt.cold != nil {
		bt.cold.remove()
	}
	if bt.pack != nil {
		bt.pack.Close()
		os.Remove(bt.pack.Name())
	}
}

// mkdirs creates dir and its missing parents, remembering what exists.
func mkdirs(made map[string]bool, dir string) error {
	if made[dir] {
		return nil
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		if err := mkdirs(made, filepath.Dir(dir)); err != nil {
			return err
		}
		if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	made[dir] = true
	return nil
}

// writeAtomic writes a file through a temp file in the same folder and a
// rename, so readers see the old bytes or the new ones, never a mix, and
// returns the file's size and modification time (UnixNano). The temp name
// is derived from the file's (".bt-tmp-index.html"), so one left by a
// crash is overwritten by the next write of that file.
func writeAtomic(file string, data []byte) (size, mtime int64, err error) {
	tmp := filepath.Join(filepath.Dir(file), tmpPrefix+filepath.Base(file))
	if size, mtime, err = createFile(tmp, data); err == nil {
		err = os.Rename(tmp, file)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, 0, fmt.Errorf("build: write %s: %w", file, err)
	}
	return size, mtime, nil
}

// removeEmptyDirs removes dir and its parents up to root while empty.
func removeEmptyDirs(root, dir string) {
	for dir != root && strings.HasPrefix(dir, root) {
		if os.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}
