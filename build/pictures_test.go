package build

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gen2brain/webp"
)

// gpsSecret is written into the test photo's EXIF block; no published
// byte may carry it.
const gpsSecret = "GPS 37.5665N 126.9780E"

// jpegWithEXIF encodes a w×h JPEG with an APP1 EXIF block holding an
// orientation tag (6: the camera was turned, rotate 90° clockwise) and a
// GPS IFD, as phones write them.
func jpegWithEXIF(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var j bytes.Buffer
	if err := jpeg.Encode(&j, img, nil); err != nil {
		tb.Fatal(err)
	}
	be := binary.BigEndian
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	ifd := make([]byte, 2+2*12+4)
	be.PutUint16(ifd, 2)
	be.PutUint16(ifd[2:], 0x0112) // Orientation, SHORT, 1
	be.PutUint16(ifd[4:], 3)
	be.PutUint32(ifd[6:], 1)
	be.PutUint16(ifd[10:], 6)
	be.PutUint16(ifd[14:], 0x8825) // GPS IFD pointer, LONG, 1
	be.PutUint16(ifd[16:], 4)
	be.PutUint32(ifd[18:], 1)
	be.PutUint32(ifd[22:], uint32(8+len(ifd)))
	gps := make([]byte, 2+12+4)
	be.PutUint16(gps, 1)
	be.PutUint16(gps[2:], 1) // GPSLatitudeRef, ASCII, 2: "N"
	be.PutUint16(gps[4:], 2)
	be.PutUint32(gps[6:], 2)
	copy(gps[10:], "N\x00")
	payload := append(append(append(append([]byte("Exif\x00\x00"), tiff...), ifd...), gps...), gpsSecret...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(2+len(payload)))
	src := j.Bytes()
	return append(append(append([]byte{}, src[:2]...), append(seg, payload...)...), src[2:]...)
}

func pngOf(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

const bundleTip = "---\ntitle: Onsen manners\ndate: 2025-02-01\ncover: onsen.jpg\ncover_alt: Steam over an outdoor bath\n---\n" +
	"Wash first.\n\n![An outdoor bath at dusk](onsen.jpg)\n\nThe map:\n\n![Map of the baths](map.png \"Baths\")\n"

// TestPageBundleImages: a tip folder with its photos publishes WebP
// variants at 480/960/… px (never wider than the photo, turned upright by
// its EXIF orientation) with srcset, sizes, width and height, the first
// picture eager and the rest lazy, no EXIF or GPS bytes anywhere; covers
// show on the page and in lists; a second build in a new process and a
// one-file edit resize nothing; an image edit replaces its files.
func TestPageBundleImages(t *testing.T) {
	ts := MustSite(t)
	dir := ts.Path("countries/japan/tips/onsen")
	photo := jpegWithEXIF(t, 2000, 1000)
	if !bytes.Contains(photo, []byte(gpsSecret)) {
		t.Fatal("test photo lacks its GPS block")
	}
	MustWrite(t, filepath.Join(dir, "index.md"), bundleTip)
	MustWrite(t, filepath.Join(dir, "onsen.jpg"), string(photo))
	MustWrite(t, filepath.Join(dir, "map.png"), string(pngOf(t, 300, 200)))
	cache := t.TempDir()
	withCache := func(c *Config) { c.CacheDir = cache }
	b := MustBuilder(t, ts, withCache)
	if res := MustBuild(t, b); b.imgs.Processed() != 2 || res.Resized != 2 {
		t.Errorf("processed %d images (result says %d), want 2", b.imgs.Processed(), res.Resized)
	}
	page := MustRead(t, filepath.Join(ts.Out, "countries/japan/tips/onsen/index.html"))
	body := page[strings.Index(page, `<div class="prose">`):]
	photoImg := regexp.MustCompile(`<img src="[^"]+" srcset="(/media/\w+-480\.webp 480w, /media/\w+-960\.webp 960w, /media/\w+-1000\.webp 1000w)" sizes="[^"]+" width="1000" height="2000" alt="An outdoor bath at dusk" decoding="async">`)
	m := photoImg.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("photo not published as an eager responsive image:\n%s", body)
	}
	if !regexp.MustCompile(`<img src="/media/\w+-300\.webp" width="300" height="200" alt="Map of the baths" title="Baths" loading="lazy" decoding="async">`).MatchString(body) {
		t.Errorf("small image: want one variant at its own width (not upscaled), lazy:\n%s", body)
	}
	if !strings.Contains(page, `class="cover"`) || !strings.Contains(page, `alt="Steam over an outdoor bath"`) {
		t.Error("cover missing on the page")
	}
	if list := MustRead(t, filepath.Join(ts.Out, "countries/japan/tips/index.html")); !strings.Contains(list, `alt="Steam over an outdoor bath" loading="lazy"`) {
		t.Error("cover missing (or not lazy) in the tips list")
	}
	for _, src := range strings.Split(m[1], ", ") {
		url, w, _ := strings.Cut(src, " ")
		data, err := os.ReadFile(filepath.Join(ts.Out, url))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := webp.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width != atoi(t, strings.TrimSuffix(w, "w")) || cfg.Height != 2*cfg.Width {
			t.Errorf("%s: %v %dx%d, want WebP %s wide, upright", url, err, cfg.Width, cfg.Height, w)
		}
	}
	filepath.WalkDir(ts.Out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data := MustRead(t, p); strings.Contains(data, gpsSecret) || strings.Contains(data, "Exif\x00") {
				t.Errorf("%s carries the photo's EXIF", p)
			}
		}
		return nil
	})

	// A new process (new Builder, new output folder) finds everything in
	// the cache, and so does a one-file edit.
	other := testSite{Content: ts.Content, Theme: ts.Theme, Out: t.TempDir()}
	b2 := MustBuilder(t, other, withCache)
	if res := MustBuild(t, b2); res.Resized != 0 {
		t.Errorf("warm build: result says %d resized, want 0", res.Resized)
	}
	MustWrite(t, filepath.Join(dir, "index.md"), bundleTip+"\nMore.\n")
	if res := MustRebuild(t, b2, Changes{Files: []string{filepath.Join(dir, "index.md")}}); res.Resized != 0 {
		t.Errorf("one-file edit: result says %d resized, want 0", res.Resized)
	}
	if b2.imgs.Processed() != 0 {
		t.Errorf("warm build and edit resized %d images, want 0", b2.imgs.Processed())
	}

	// Replacing the map: the page shows the new file, the old one goes.
	old := regexp.MustCompile(`/media/\w+-300\.webp`).FindString(body)
	MustWrite(t, filepath.Join(dir, "map.png"), string(pngOf(t, 320, 200)))
	res := MustRebuild(t, b2, Changes{Files: []string{filepath.Join(dir, "map.png")}})
	page = MustRead(t, filepath.Join(other.Out, "countries/japan/tips/onsen/index.html"))
	if !strings.Contains(page, `-320.webp" width="320"`) || strings.Contains(page, old) {
		t.Errorf("page not updated for the new map (rebuild wrote %v)", res.Written)
	}
	if _, err := os.Stat(filepath.Join(other.Out, old)); err == nil {
		t.Errorf("old image %s left behind", old)
	}
	want := testSite{Content: ts.Content, Theme: ts.Theme, Out: t.TempDir()}
	MustBuild(t, MustBuilder(t, want, withCache))
	w, g := snapshotBytes(t, want.Out), snapshotBytes(t, other.Out)
	// The manifest says when it was built (to the second): two builds a
	// second apart differ there and nowhere else.
	built := regexp.MustCompile(`"built":"[^"]*"`)
	for _, m := range []map[string]string{w, g} {
		m[".beforetrip-pages.json"] = built.ReplaceAllString(m[".beforetrip-pages.json"], "")
	}
	for p := range w {
		if p != outputsFile && w[p] != g[p] {
			t.Errorf("%s differs from a full build after the image edit", p)
		}
	}
}

func atoi(tb testing.TB, s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestImageErrors: missing alt text, an image a flat page cannot have and
// a missing file are content errors naming the file and the line.
func TestImageErrors(t *testing.T) {
	for _, tc := range []struct{ name, file, body, want string }{
		{"no alt", "countries/japan/tips/onsen/index.md", "Intro.\n\n![](map.png)\n", "index.md:7: image map.png: alt text is required"},
		{"no alt, remote", "countries/japan/tips/onsen/index.md", "![](https://example.org/a.png)\n", "index.md:5: image https://example.org/a.png: alt text is required"},
		{"flat page", "countries/japan/tips/flat.md", "![A map](map.png)\n", "flat.md:5: image map.png: a page file of its own has no folder"},
		{"missing", "countries/japan/tips/onsen/index.md", "![A map](nothere.png)\n", "index.md:5: image nothere.png: open"},
		{"outside", "countries/japan/tips/onsen/index.md", "![A map](../x.png)\n", "index.md:5: image ../x.png: write the name of an image in the page's own folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := MustSite(t)
			MustWrite(t, ts.Path("countries/japan/tips/onsen/map.png"), string(pngOf(t, 10, 10)))
			MustWrite(t, ts.Path(tc.file), "---\ntitle: X\ndate: 2025-01-01\n---\n"+tc.body)
			_, err := MustBuilder(t, ts, func(c *Config) { c.CacheDir = t.TempDir() }).Build(t.Context())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
