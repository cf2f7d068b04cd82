package sitegen

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// Photo sizes: a camera-sized picture wider than the builder's largest
// variant (1600 px), so every cover is resized into all three widths.
const (
	photoW, photoH = 1800, 1200
	photoName      = "photo.jpg"
)

// photo draws the cover of article i: a landscape (sky, sun, two ridges,
// water) whose colours and shapes come from its own random source, with
// some grain so it compresses like a photograph, not like a flat drawing.
// The same seed and index give the same bytes.
func photo(seed uint64, i int) []byte {
	r := rand.New(rand.NewPCG(seed^0x9e3779b97f4a7c15, uint64(i)))
	hue := func() color.RGBA {
		return color.RGBA{uint8(40 + r.IntN(200)), uint8(40 + r.IntN(200)), uint8(40 + r.IntN(200)), 255}
	}
	sky, low, far, near, water := hue(), hue(), hue(), hue(), hue()
	sunX, sunY := float64(r.IntN(photoW)), float64(100+r.IntN(photoH/3))
	horizon := float64(photoH/2 + r.IntN(photoH/4))
	ph := [4]float64{r.Float64() * 6, r.Float64() * 6, r.Float64() * 6, r.Float64() * 6}
	// Ridge heights and the water's ripple phase depend on x only.
	nearTop, farTop, ripple := make([]float64, photoW), make([]float64, photoW), make([]float64, photoW)
	for x := range photoW {
		fx := float64(x)
		nearTop[x] = horizon - 140 - 60*math.Sin(fx*0.004+ph[0]) - 20*math.Sin(fx*0.03+ph[1])
		farTop[x] = horizon - 320 - 90*math.Sin(fx*0.002+ph[2]) - 30*math.Sin(fx*0.015+ph[3])
		ripple[x] = 2 * math.Sin(fx*0.01)
	}
	img := image.NewRGBA(image.Rect(0, 0, photoW, photoH))
	grain := r.Uint64() | 1
	for y := range photoH {
		fy := float64(y)
		skyRow := mix(sky, low, fy/horizon)
		for x := range photoW {
			var c color.RGBA
			switch {
			case fy > horizon:
				c = mix(water, low, 0.3*math.Sin(fy*0.2+ripple[x]))
			case fy > nearTop[x]:
				c = mix(near, far, (horizon-fy)/300)
			case fy > farTop[x]:
				c = mix(far, low, 0.4)
			default:
				c = skyRow
				if d := math.Hypot(float64(x)-sunX, fy-sunY); d < 60 {
					c = color.RGBA{255, 245, 220, 255}
				}
			}
			// xorshift grain: a random source per pixel would dominate the time.
			grain ^= grain << 13
			grain ^= grain >> 7
			grain ^= grain << 17
			g := int(grain%13) - 6
			o := img.PixOffset(x, y)
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = add(c.R, g), add(c.G, g), add(c.B, g), 255
		}
	}
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}) // writes to memory: cannot fail
	return buf.Bytes()
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	t = math.Max(0, math.Min(1, t))
	m := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 255}
}

func add(v uint8, d int) uint8 { return uint8(max(0, min(255, int(v)+d))) }
