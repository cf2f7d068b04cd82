package build

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/build/images"
	"github.com/beforetrip/beforetrip/build/markdown"
)

// imageOwner reports whether a content path is an image and, if so, the
// page file whose folder it lies in ("" when no page has that folder): the
// home page (content/), a country (countries/<c>/) or a page bundle
// (countries/<c>/tips/<slug>/). Only that page may show it, so an edit of
// the image re-renders exactly that page.
func imageOwner(rel string) (owner string, isImage bool) {
	if !images.IsImage(rel) {
		return "", false
	}
	parts := strings.Split(rel, "/")
	switch {
	case len(parts) == 1:
		return "_index.md", true
	case len(parts) == 3 && parts[0] == "countries":
		return "countries/" + parts[1] + "/_index.md", true
	case len(parts) == 5 && parts[0] == "countries" &&
		(parts[2] == beforetrip.SectionTips || parts[2] == beforetrip.SectionReviews):
		return path.Join(path.Dir(rel), "index.md"), true
	}
	return "", true
}

// imageUse is what a page's pictures publish and where they come from.
type imageUse struct {
	outs []string   // output paths
	deps []imageDep // source files and their outputs (render cache)
}

// add records image im, read from the file src.
func (u *imageUse) add(src string, im *images.Image) {
	u.outs = appendOuts(u.outs, im)
	if dep := (imageDep{src: src, outs: joinOuts(imageOuts(im))}); !slices.Contains(u.deps, dep) {
		u.deps = append(u.deps, dep)
	}
}

// imageFunc resolves the Markdown images of the content file at file and
// records them in use (nil: not recorded).
func (b *Builder) imageFunc(file string, use *imageUse) markdown.ImageFunc {
	return func(dest string) (*markdown.Picture, error) {
		im, src, err := b.image(file, dest)
		if err != nil {
			return nil, err
		}
		if use != nil {
			use.add(src, im)
		}
		pic := &markdown.Picture{Src: imgURL(im.Variants[min(1, len(im.Variants)-1)].Out),
			Width: im.Largest().Width, Height: im.Largest().Height}
		if len(im.Variants) > 1 {
			pic.Srcset = im.Srcset(imgURL)
		}
		return pic, nil
	}
}

func appendOuts(outs []string, im *images.Image) []string {
	for _, v := range im.Variants {
		if !slices.Contains(outs, v.Out) {
			outs = append(outs, v.Out)
		}
	}
	return outs
}

func imgURL(out string) string { return "/" + out }

// image processes the image dest (as written in the Markdown or the front
// matter of file), which must lie in the page's own folder. It returns
// the image and its file.
func (b *Builder) image(file, dest string) (*images.Image, string, error) {
	name, err := url.PathUnescape(dest)
	if err != nil || name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return nil, "", fmt.Errorf("write the name of an image in the page's own folder, like photo.jpg")
	}
	if !images.IsImage(name) {
		return nil, "", fmt.Errorf("not an image: use %s", strings.Join(images.Extensions, ", "))
	}
	abs := filepath.Join(filepath.Dir(file), name)
	rel, _ := b.relPath(abs)
	self, _ := b.relPath(file)
	if owner, _ := imageOwner(rel); owner != self {
		return nil, "", fmt.Errorf("a page file of its own has no folder for images: make it <slug>/index.md and put %s beside it", name)
	}
	im, err := b.imgs.Get(abs)
	if err != nil {
		return nil, "", err
	}
	return im, abs, nil
}

// readCover reads cover (an image in the page's folder) and cover_alt,
// which a cover requires; it returns the picture's file ("" for none).
func (b *Builder) readCover(r *fieldReader, p *Page) string {
	name := r.str("cover", false)
	p.CoverAlt = r.str("cover_alt", false)
	if name == "" {
		return ""
	}
	if strings.TrimSpace(p.CoverAlt) == "" {
		r.errAt(r.values["cover"], "cover_alt", "required with cover: say what the picture shows")
		return ""
	}
	im, src, err := b.image(p.Path, name)
	if err != nil {
		r.errAt(r.values["cover"], "cover", "%v", err)
		return ""
	}
	p.Cover = im
	return src
}

// imageErrors turns a document's image problems into content errors with
// file lines.
func (b *Builder) imageErrors(file string, fm *frontMatter, doc *markdown.Doc) Errors {
	var errs Errors
	for _, e := range doc.ImageErrors {
		errs = append(errs, &FileError{File: file, Line: fm.bodyLine + e.Line, Msg: e.Msg})
	}
	return errs
}

// coverHTML renders a cover picture: sizes says how wide it is shown.
func coverHTML(im *images.Image, alt, sizes string, lazy bool) template.HTML {
	if im == nil {
		return ""
	}
	var w bytes.Buffer
	l := im.Largest()
	fmt.Fprintf(&w, `<img class="cover" src="%s"`, html.EscapeString(imgURL(im.Variants[min(1, len(im.Variants)-1)].Out)))
	if len(im.Variants) > 1 {
		fmt.Fprintf(&w, ` srcset="%s" sizes="%s"`, html.EscapeString(im.Srcset(imgURL)), html.EscapeString(sizes))
	}
	fmt.Fprintf(&w, ` width="%d" height="%d" alt="%s"`, l.Width, l.Height, html.EscapeString(alt))
	if lazy {
		w.WriteString(` loading="lazy"`)
	}
	w.WriteString(` decoding="async">`)
	return template.HTML(w.String())
}

// coverIcon renders a cover as an icon beside the page's name (the country
// grid): decorative (alt="", lazy), as the flag it stands in for, since the
// name beside it already names the link.
func coverIcon(p *Page, sizes string) template.HTML {
	return coverHTML(p.Cover, "", sizes, true)
}
