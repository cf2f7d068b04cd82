// Package images turns the photos and illustrations of the content into
// what pages publish: raster images resized into responsive variants
// (never upscaled) encoded as WebP, with no metadata (the encoder writes
// pixels only, so EXIF such as GPS positions never reaches the site), and
// SVG files passed through. Results are cached on disk by a hash of the
// source bytes and the settings, so a warm build or a one-file edit never
// resizes an image again.
package images

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoders for image.Decode
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/gen2brain/webp"
	"golang.org/x/image/draw"
)

// Widths are the variant widths in pixels; an image narrower than the
// largest gets its own width as its largest variant instead.
var Widths = []int{480, 960, 1600}

// quality is the WebP quality (0–100).
const quality = 80

// version changes when the processing changes, so cached results of an
// older pipeline are not reused.
const version = "2"

// Variant is one published file of an image.
type Variant struct {
	Width  int    `json:"w"`
	Height int    `json:"h"`
	Out    string `json:"out"` // output path, relative to the site root: "media/<hash>-960.webp"
}

// Image is a processed image: its variants, smallest first.
type Image struct {
	Variants []Variant `json:"variants"`
	key      string
}

// Largest returns the widest variant.
func (im *Image) Largest() Variant { return im.Variants[len(im.Variants)-1] }

// Srcset returns the srcset attribute value, URLs made by url.
func (im *Image) Srcset(url func(out string) string) string {
	var b strings.Builder
	for i, v := range im.Variants {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(url(v.Out) + " " + strconv.Itoa(v.Width) + "w")
	}
	return b.String()
}

// Extensions are the file name extensions of images (lower case).
var Extensions = []string{".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg"}

// IsImage reports whether a file name has an image extension.
func IsImage(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}

// Cache processes images and keeps the results in a folder. It is safe for
// concurrent use; one source is processed once even when asked for twice
// at the same time.
type Cache struct {
	dir string
	mu  sync.Mutex
	// mem remembers results in this process by source bytes' hash.
	mem       map[string]*Image
	inflight  map[string]*sync.WaitGroup
	processed int // images resized in this process
}

// NewCache returns a cache in dir (created when first needed).
func NewCache(dir string) *Cache {
	return &Cache{dir: dir, mem: map[string]*Image{}, inflight: map[string]*sync.WaitGroup{}}
}

// Processed returns how many images this cache resized in this process
// (the others came from the cache folder or from memory).
func (c *Cache) Processed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.processed
}

// File returns the bytes of a published variant from the cache.
func (c *Cache) File(out string) ([]byte, error) {
	return os.ReadFile(filepath.Join(c.dir, filepath.Base(out)))
}

// Get processes the image file at path, or returns the cached result.
func (c *Cache) Get(path string) (*Image, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	svg := strings.EqualFold(filepath.Ext(path), ".svg")
	sum := sha256.Sum256(append([]byte(version+","+fmt.Sprint(Widths, quality)+","+strconv.FormatBool(svg)+"\n"), src...))
	key := hex.EncodeToString(sum[:])[:20]
	for {
		c.mu.Lock()
		if im, ok := c.mem[key]; ok {
			c.mu.Unlock()
			return im, nil
		}
		wg, busy := c.inflight[key]
		if !busy {
			wg = new(sync.WaitGroup)
			wg.Add(1)
			c.inflight[key] = wg
			c.mu.Unlock()
			break
		}
		c.mu.Unlock()
		wg.Wait()
	}
	im, err := c.load(key)
	if err != nil {
		im, err = c.process(key, src, svg)
	}
	c.mu.Lock()
	if err == nil {
		c.mem[key] = im
	}
	wg := c.inflight[key]
	delete(c.inflight, key)
	c.mu.Unlock()
	wg.Done()
	return im, err
}

// load reads a result from the cache folder; every variant must be there.
func (c *Cache) load(key string) (*Image, error) {
	data, err := os.ReadFile(filepath.Join(c.dir, key+".json"))
	if err != nil {
		return nil, err
	}
	im := &Image{key: key}
	if err := json.Unmarshal(data, im); err != nil || len(im.Variants) == 0 {
		return nil, errors.New("images: bad cache entry")
	}
	for _, v := range im.Variants {
		if _, err := os.Stat(filepath.Join(c.dir, filepath.Base(v.Out))); err != nil {
			return nil, err
		}
	}
	return im, nil
}

// process makes the variants and records them in the cache folder; the
// entry is written last, so a crash leaves no entry that lies.
func (c *Cache) process(key string, src []byte, svg bool) (*Image, error) {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, err
	}
	im := &Image{key: key}
	if svg {
		w, h, err := svgSize(src)
		if err != nil {
			return nil, err
		}
		v := Variant{Width: w, Height: h, Out: "media/" + key + ".svg"}
		if err := writeFile(filepath.Join(c.dir, key+".svg"), src); err != nil {
			return nil, err
		}
		im.Variants = []Variant{v}
	} else {
		img, _, err := image.Decode(bytes.NewReader(src))
		if err != nil {
			return nil, fmt.Errorf("cannot decode image: %w", err)
		}
		img = orient(img, jpegOrientation(src))
		for _, w := range variantWidths(img.Bounds().Dx()) {
			h := max(1, img.Bounds().Dy()*w/img.Bounds().Dx())
			dst := image.NewNRGBA(image.Rect(0, 0, w, h))
			draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
			var buf bytes.Buffer
			if err := webp.Encode(&buf, dst, webp.Options{Quality: quality}); err != nil {
				return nil, fmt.Errorf("encode WebP: %w", err)
			}
			name := key + "-" + strconv.Itoa(w) + ".webp"
			if err := writeFile(filepath.Join(c.dir, name), buf.Bytes()); err != nil {
				return nil, err
			}
			im.Variants = append(im.Variants, Variant{Width: w, Height: h, Out: "media/" + name})
		}
	}
	data, _ := json.Marshal(im)
	if err := writeFile(filepath.Join(c.dir, key+".json"), data); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.processed++
	c.mu.Unlock()
	return im, nil
}

// variantWidths are the widths to make of an image w pixels wide.
func variantWidths(w int) []int {
	var out []int
	for _, v := range Widths {
		if v < w {
			out = append(out, v)
		}
	}
	if w <= Widths[len(Widths)-1] {
		out = append(out, w)
	}
	return out
}

// writeFile writes through a temp file and a rename: a concurrent reader
// (another build) sees the whole file or none.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
