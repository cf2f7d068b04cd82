package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"

	"github.com/beforetrip/beforetrip"
)

// rendered is a mail ready for a transport.
type rendered struct {
	Subject, Text, HTML string
	// Unsubscribe is the one-click URL of reply notifications (RFC 8058).
	Unsubscribe string
}

// view is what the templates see.
type view struct {
	Site, Lang     string
	Lines, After   []string
	Action, Link   string
	Replies        []beforetrip.MailReply
	Unsubscribe    string
	UnsubscribeTxt string
}

const textLayout = `{{range .Lines}}{{.}}

{{end}}{{range .Replies}}{{.Author}} — {{.PageTitle}}
{{.Body}}
{{.Link}}

{{end}}{{if and .Link .Action}}{{.Action}}:
{{.Link}}

{{end}}{{range .After}}{{.}}

{{end}}{{if .Unsubscribe}}{{.UnsubscribeTxt}}: {{.Unsubscribe}}

{{end}}-- 
{{.Site}}
`

const htmlLayout = `<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Site}}</title></head>
<body style="font-family:sans-serif;line-height:1.5;max-width:36em">
{{range .Lines}}<p>{{.}}</p>
{{end}}{{range .Replies}}<blockquote style="border-left:3px solid #ccc;margin:1em 0;padding-left:1em">
<p><strong>{{.Author}}</strong> — <a href="{{.Link}}">{{.PageTitle}}</a></p>
<p style="white-space:pre-wrap">{{.Body}}</p></blockquote>
{{end}}{{if and .Link .Action}}<p><a href="{{.Link}}" style="display:inline-block;padding:.5em 1em;background:#1a5fb4;color:#fff;text-decoration:none;border-radius:4px">{{.Action}}</a></p>
<p style="font-size:small">{{.Link}}</p>
{{end}}{{range .After}}<p>{{.}}</p>
{{end}}{{if .Unsubscribe}}<p style="font-size:small"><a href="{{.Unsubscribe}}">{{.UnsubscribeTxt}}</a></p>
{{end}}<p style="color:#666">— {{.Site}}</p>
</body></html>
`

var (
	textTmpl = texttemplate.Must(texttemplate.New("text").Parse(textLayout))
	htmlTmpl = htmltemplate.Must(htmltemplate.New("html").Parse(htmlLayout))
)

// render turns a queued mail into its subject, text and HTML parts in the
// site's language, with the site title.
func render(m *beforetrip.Mail, site, lang string) (*rendered, error) {
	w, ok := wording[lang][m.Kind]
	if !ok {
		return nil, fmt.Errorf("mail: no wording for %q in %q", m.Kind, lang)
	}
	fill := strings.NewReplacer("{site}", site, "{name}", m.Username, "{email}", m.Email,
		"{count}", strconv.Itoa(len(m.Replies))).Replace
	v := view{Site: site, Lang: lang, Link: m.Link, Replies: m.Replies}
	for _, l := range w.Lines {
		v.Lines = append(v.Lines, fill(l))
	}
	for _, l := range w.After {
		v.After = append(v.After, fill(l))
	}
	v.Action = fill(w.Action)
	if m.Kind == beforetrip.MailReplies {
		// The reply list carries its own links; the action is unsubscribing.
		v.Link, v.Action = "", ""
		v.Unsubscribe, v.UnsubscribeTxt = m.Link, fill(w.Action)
		if v.Unsubscribe == "" {
			v.Unsubscribe = m.Unsubscribe
		}
	}
	var txt, html bytes.Buffer
	if err := textTmpl.Execute(&txt, v); err != nil {
		return nil, fmt.Errorf("mail: render text: %w", err)
	}
	if err := htmlTmpl.Execute(&html, v); err != nil {
		return nil, fmt.Errorf("mail: render html: %w", err)
	}
	return &rendered{Subject: fill(w.Subject), Text: txt.String(), HTML: html.String(), Unsubscribe: m.Unsubscribe}, nil
}
