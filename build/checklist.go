package build

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// continents are the allowed values of a country's continent.
var continents = []string{"Africa", "Asia", "Europe", "North America", "South America", "Oceania"}

// readChecklist reads and validates a country's checklist fields.
func readChecklist(r *fieldReader) *Checklist {
	c := &Checklist{
		Name:         r.str("name", true),
		NativeName:   r.str("native_name", true),
		Flag:         r.str("flag", true),
		Continent:    r.enum("continent", true, continents...),
		Capital:      r.str("capital", true),
		Languages:    r.strList("languages", true),
		Timezone:     r.str("timezone", true),
		Plugs:        r.strList("plugs", true),
		Voltage:      r.str("voltage", true),
		Visa:         r.str("visa", true),
		Tipping:      r.str("tipping", true),
		SIM:          r.str("sim", true),
		TapWater:     r.enum("tap_water", true, "safe", "varies", "unsafe"),
		TapWaterNote: r.str("tap_water_note", false),
		DrivingSide:  r.enum("driving_side", true, "left", "right"),
		BestTime:     r.str("best_time", false),
		NameKo:       r.str("name_ko", false),

		PassportValidity: r.str("passport_validity", false),
		ArrivalCard:      r.str("arrival_card", false),
	}
	if n := r.values["plugs"]; n != nil && n.Kind == yaml.SequenceNode {
		for i, p := range c.Plugs {
			if len(p) != 1 || p[0] < 'A' || p[0] > 'O' {
				r.errAt(n.Content[min(i, len(n.Content)-1)], "plugs", "each plug type is one letter A–O (IEC types), got %q", p)
			}
		}
	}
	c.Currency = readCurrency(r)
	c.Emergency = readEmergency(r)
	c.Entry = readEntry(r)
	c.Sources = readSources(r)
	c.Changes = readChanges(r)
	c.Checked = oldestChecked(c)
	return c
}

func readCurrency(r *fieldReader) Currency {
	n := r.values["currency"]
	if n == nil {
		r.required("currency")
		return Currency{}
	}
	sub, ok := subMap(r, n, "currency", "code", "name", "symbol")
	if !ok {
		return Currency{}
	}
	var cur Currency
	for _, k := range []string{"code", "name", "symbol"} {
		v := sub[k]
		if v == nil {
			r.errAt(n, "currency."+k, "required")
			continue
		}
		s, ok := r.scalar(v, "currency."+k)
		if !ok {
			continue
		}
		switch k {
		case "code":
			if !isCurrencyCode(s) {
				r.errAt(v, "currency.code", "must be 3 upper-case letters (ISO 4217), got %q", s)
			}
			cur.Code = s
		case "name":
			cur.Name = s
		case "symbol":
			cur.Symbol = s
		}
	}
	return cur
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func readEmergency(r *fieldReader) []Emergency {
	n := r.values["emergency"]
	if n == nil {
		r.required("emergency")
		return nil
	}
	sub, ok := subMap(r, n, "emergency")
	if !ok {
		return nil
	}
	var out []Emergency
	add := func(k string, v *yaml.Node) {
		s, ok := r.scalar(v, "emergency."+k)
		if !ok {
			return
		}
		tel, valid := telNumber(s)
		if !valid {
			r.errAt(v, "emergency."+k, "must be a phone number (digits, spaces, +, -), got %q", s)
			return
		}
		out = append(out, Emergency{Key: k, Number: s, Tel: tel})
	}
	for _, k := range []string{"police", "ambulance", "fire"} {
		if v := sub[k]; v != nil {
			add(k, v)
		} else if k != "fire" {
			r.errAt(n, "emergency."+k, "required")
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if k != "police" && k != "ambulance" && k != "fire" {
			add(k, n.Content[i+1])
		}
	}
	return out
}

// telNumber returns the digits (and a leading '+') of a phone number.
func telNumber(s string) (string, bool) {
	var b strings.Builder
	for i, ch := range s {
		switch {
		case ch >= '0' && ch <= '9':
			b.WriteRune(ch)
		case ch == '+' && i == 0:
			b.WriteRune(ch)
		case ch == ' ' || ch == '-':
		default:
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}

// subMap indexes a nested mapping; when keys is non-empty, other keys are
// reported as unknown.
func subMap(r *fieldReader, n *yaml.Node, field string, keys ...string) (map[string]*yaml.Node, bool) {
	if n.Kind != yaml.MappingNode {
		r.errAt(n, field, "must be a mapping, e.g. {key: value}")
		return nil, false
	}
	m := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if len(keys) > 0 && !contains(keys, k.Value) {
			r.errAt(k, field+"."+k.Value, "unknown field")
			continue
		}
		if m[k.Value] != nil {
			r.errAt(k, field+"."+k.Value, "given twice")
			continue
		}
		m[k.Value] = n.Content[i+1]
	}
	return m, true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
