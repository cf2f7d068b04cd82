package beforetrip

import (
	"net/url"
	"strings"
)

// Passport keys of a country's entry rules besides ISO codes.
const (
	PassportEU      = "EU"      // any EU member state's passport or ID card
	PassportDefault = "default" // every passport without a rule of its own
)

// iso3166 lists the officially assigned ISO 3166-1 alpha-2 codes, plus XK
// (Kosovo, user-assigned but printed in Kosovo's passports and used by
// the EU and by IATA).
const iso3166 = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU " +
	"ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ " +
	"LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA " +
	"RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW"

// ValidPassport reports whether key may name the passports of an entry
// rule: an ISO 3166-1 alpha-2 code in upper case (KR, US, GB…), EU or
// default. Case matters so that one passport has one spelling.
func ValidPassport(key string) bool {
	if key == PassportEU || key == PassportDefault {
		return true
	}
	if len(key) != 2 || key[0] < 'A' || key[0] > 'Z' || key[1] < 'A' || key[1] > 'Z' {
		return false
	}
	return strings.Contains(iso3166, key)
}

// CheckSourceURL says what is wrong with the link to an official source
// ("" when nothing is): it must be an absolute http(s) URL with a host and
// no user name or password, since readers follow it to check a rule.
func CheckSourceURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "not a URL: " + err.Error()
	case u.Scheme != "https" && u.Scheme != "http":
		return "must start with https:// (or http://)"
	case u.Host == "" || strings.HasPrefix(u.Host, ".") || !strings.Contains(u.Hostname(), "."):
		return "must name a host, e.g. https://www.gov.uk/…"
	case u.User != nil:
		return "must not carry a user name or password"
	case strings.ContainsAny(s, " \t\n"):
		return "must not contain spaces"
	}
	return ""
}
