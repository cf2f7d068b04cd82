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

// imageFunc resolves the Markdown images of the content file at file;
// the output paths of what they publish are appended to *outs.
func (b *Builder) imageFunc(file string, outs *[]string) markdown.ImageFunc {
	return func(dest string) (*markdown.Picture, error) {
		im, err := b.image(file, dest)
		if err != nil {
			return nil, err
		}
		if outs != nil {
			*outs = appendOuts(*outs, im)
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
// matter of file), which must lie in the page's own folder.
func (b *Builder) image(file, dest string) (*images.Image, error) {
	name, err := url.PathUnescape(dest)
	if err != nil || name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return nil, fmt.Errorf("write the name of an image in the page's own folder, like photo.jpg")
	}
	if !images.IsImage(name) {
		return nil, fmt.Errorf("not an image: use %s", strings.Join(images.Extensions, ", "))
	}
	abs := filepath.Join(filepath.Dir(file), name)
	rel, _ := b.relPath(abs)
	self, _ := b.relPath(file)
	if owner, _ := imageOwner(rel); owner != self {
		return nil, fmt.Errorf("a page file of its own has no folder for images: make it <slug>/index.md and put %s beside it", name)
	}
	im, err := b.imgs.Get(abs)
	if err != nil {
		return nil, err
	}
	return im, nil
}

// readCover reads cover (an image in the page's folder) and cover_alt,
// which a cover requires.
func (b *Builder) readCover(r *fieldReader, p *Page) {
	name := r.str("cover", false)
	p.CoverAlt = r.str("cover_alt", false)
	if name == "" {
		return
	}
	if strings.TrimSpace(p.CoverAlt) == "" {
		r.errAt(r.values["cover"], "cover_alt", "required with cover: say what the picture shows")
		return
	}
	im, err := b.image(p.Path, name)
	if err != nil {
		r.errAt(r.values["cover"], "cover", "%v", err)
		return
	}
	p.Cover = im
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

// pageImages lists the output files a page publishes for its images.
func pageImages(p *Page, body []string) []string {
	if p.Cover != nil {
		body = appendOuts(body, p.Cover)
	}
	return body
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
