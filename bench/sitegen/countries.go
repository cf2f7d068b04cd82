package sitegen

import (
	"strings"
)

// country is one country's checklist, enough to write a complete, valid
// content/countries/<slug>/_index.md.
type country struct {
	Slug, ISO2, Name, Native, Continent, Capital string
	Languages                                    []string
	CurCode, CurName, CurSymbol                  string
	Timezone                                     string
	Plugs                                        []string
	Voltage, TapWater, DrivingSide               string
	Emergency                                    [][2]string // police, ambulance, fire, extras in order
}

// Flag returns the emoji flag built from the ISO 3166 code's regional
// indicator symbols, so the table does not have to carry emoji.
func (c country) Flag() string {
	var b strings.Builder
	for _, r := range c.ISO2 {
		b.WriteRune(0x1F1E6 + (r - 'A'))
	}
	return b.String()
}

// countryTable is the fixed list of 50 countries: real names, capitals,
// currencies, plugs and emergency numbers so generated pages look like the
// real site. Columns: slug|ISO2|name|native|continent|capital|languages(;)|
// currency code|currency name|symbol|timezone|plugs(,)|voltage|tap water|
// driving side|police|ambulance|fire|extra emergency key=value (;).
const countryTable = `japan|JP|Japan|日本|Asia|Tokyo|Japanese|JPY|Japanese yen|¥|UTC+9 (JST), no DST|A,B|100 V, 50/60 Hz|safe|left|110|119|119|
south-korea|KR|South Korea|대한민국|Asia|Seoul|Korean|KRW|South Korean won|₩|UTC+9 (KST), no DST|C,F|220 V, 60 Hz|safe|right|112|119|119|
china|CN|China|中国|Asia|Beijing|Mandarin|CNY|Renminbi|¥|UTC+8 (CST), no DST|A,C,I|220 V, 50 Hz|unsafe|right|110|120|119|
taiwan|TW|Taiwan|臺灣|Asia|Taipei|Mandarin;Taiwanese Hokkien|TWD|New Taiwan dollar|NT$|UTC+8, no DST|A,B|110 V, 60 Hz|varies|right|110|119|119|
thailand|TH|Thailand|ประเทศไทย|Asia|Bangkok|Thai|THB|Thai baht|฿|UTC+7 (ICT), no DST|A,B,C,O|230 V, 50 Hz|unsafe|left|191|1669|199|tourist_police=1155
vietnam|VN|Vietnam|Việt Nam|Asia|Hanoi|Vietnamese|VND|Vietnamese đồng|₫|UTC+7, no DST|A,C|220 V, 50 Hz|unsafe|right|113|115|114|
philippines|PH|Philippines|Pilipinas|Asia|Manila|Filipino;English|PHP|Philippine peso|₱|UTC+8 (PHT), no DST|A,B,C|220 V, 60 Hz|unsafe|right|911|911|911|
singapore|SG|Singapore|Singapura|Asia|Singapore|English;Malay;Mandarin;Tamil|SGD|Singapore dollar|S$|UTC+8, no DST|G|230 V, 50 Hz|safe|left|999|995|995|
malaysia|MY|Malaysia|Malaysia|Asia|Kuala Lumpur|Malay|MYR|Malaysian ringgit|RM|UTC+8 (MYT), no DST|G|240 V, 50 Hz|varies|left|999|999|994|
indonesia|ID|Indonesia|Indonesia|Asia|Jakarta|Indonesian|IDR|Indonesian rupiah|Rp|UTC+7 to UTC+9, no DST|C,F|230 V, 50 Hz|unsafe|left|110|118|113|general=112
india|IN|India|भारत|Asia|New Delhi|Hindi;English|INR|Indian rupee|₹|UTC+5:30 (IST), no DST|C,D,M|230 V, 50 Hz|unsafe|left|100|108|101|general=112
nepal|NP|Nepal|नेपाल|Asia|Kathmandu|Nepali|NPR|Nepalese rupee|रू|UTC+5:45 (NPT), no DST|C,D,M|230 V, 50 Hz|unsafe|left|100|102|101|
mongolia|MN|Mongolia|Монгол Улс|Asia|Ulaanbaatar|Mongolian|MNT|Mongolian tögrög|₮|UTC+8, no DST|C,E|220 V, 50 Hz|unsafe|right|102|103|101|
united-arab-emirates|AE|United Arab Emirates|الإمارات|Asia|Abu Dhabi|Arabic|AED|UAE dirham|د.إ|UTC+4 (GST), no DST|C,D,G|230 V, 50 Hz|varies|right|999|998|997|
turkiye|TR|Türkiye|Türkiye|Asia|Ankara|Turkish|TRY|Turkish lira|₺|UTC+3 (TRT), no DST|C,F|230 V, 50 Hz|varies|right|112|112|112|
france|FR|France|France|Europe|Paris|French|EUR|Euro|€|UTC+1 (CET), DST UTC+2|C,E|230 V, 50 Hz|safe|right|17|15|18|general=112
germany|DE|Germany|Deutschland|Europe|Berlin|German|EUR|Euro|€|UTC+1 (CET), DST UTC+2|C,F|230 V, 50 Hz|safe|right|110|112|112|
italy|IT|Italy|Italia|Europe|Rome|Italian|EUR|Euro|€|UTC+1 (CET), DST UTC+2|C,F,L|230 V, 50 Hz|safe|right|113|118|115|general=112
spain|ES|Spain|España|Europe|Madrid|Spanish|EUR|Euro|€|UTC+1 (CET), DST UTC+2|C,F|230 V, 50 Hz|safe|right|091|061|080|general=112
portugal|PT|Portugal|Portugal|Europe|Lisbon|Portuguese|EUR|Euro|€|UTC+0 (WET), DST UTC+1|C,F|230 V, 50 Hz|safe|right|112|112|112|
united-kingdom|GB|United Kingdom|United Kingdom|Europe|London|English|GBP|Pound sterling|£|UTC+0 (GMT), DST UTC+1|G|230 V, 50 Hz|safe|left|999|999|999|general=112
ireland|IE|Ireland|Éire|Europe|Dublin|English;Irish|EUR|Euro|€|UTC+0, DST UTC+1|G|230 V, 50 Hz|safe|left|999|999|999|general=112
netherlands|NL|Netherlands|Nederland|Europe|Amsterdam|Dutch|EUR|Euro|€|UTC+1, DST UTC+2|C,F|230 V, 50 Hz|safe|right|112|112|112|
switzerland|CH|Switzerland|Schweiz|Europe|Bern|German;French;Italian;Romansh|CHF|Swiss franc|Fr.|UTC+1, DST UTC+2|C,J|230 V, 50 Hz|safe|right|117|144|118|general=112
austria|AT|Austria|Österreich|Europe|Vienna|German|EUR|Euro|€|UTC+1, DST UTC+2|C,F|230 V, 50 Hz|safe|right|133|144|122|general=112
czechia|CZ|Czechia|Česko|Europe|Prague|Czech|CZK|Czech koruna|Kč|UTC+1, DST UTC+2|C,E|230 V, 50 Hz|safe|right|158|155|150|general=112
poland|PL|Poland|Polska|Europe|Warsaw|Polish|PLN|Polish złoty|zł|UTC+1, DST UTC+2|C,E|230 V, 50 Hz|safe|right|997|999|998|general=112
hungary|HU|Hungary|Magyarország|Europe|Budapest|Hungarian|HUF|Hungarian forint|Ft|UTC+1, DST UTC+2|C,F|230 V, 50 Hz|safe|right|107|104|105|general=112
greece|GR|Greece|Ελλάδα|Europe|Athens|Greek|EUR|Euro|€|UTC+2 (EET), DST UTC+3|C,F|230 V, 50 Hz|varies|right|100|166|199|general=112
croatia|HR|Croatia|Hrvatska|Europe|Zagreb|Croatian|EUR|Euro|€|UTC+1, DST UTC+2|C,F|230 V, 50 Hz|safe|right|192|194|193|general=112
norway|NO|Norway|Norge|Europe|Oslo|Norwegian|NOK|Norwegian krone|kr|UTC+1, DST UTC+2|C,F|230 V, 50 Hz|safe|right|112|113|110|
sweden|SE|Sweden|Sverige|Europe|Stockholm|Swedish|SEK|Swedish krona|kr|UTC+1, DST UTC+2|C,F|230 V, 50 Hz|safe|right|112|112|112|
finland|FI|Finland|Suomi|Europe|Helsinki|Finnish;Swedish|EUR|Euro|€|UTC+2, DST UTC+3|C,F|230 V, 50 Hz|safe|right|112|112|112|
iceland|IS|Iceland|Ísland|Europe|Reykjavík|Icelandic|ISK|Icelandic króna|kr|UTC+0, no DST|C,F|230 V, 50 Hz|safe|right|112|112|112|
united-states|US|United States|United States|North America|Washington, D.C.|English|USD|US dollar|$|UTC−5 to UTC−10, DST in most states|A,B|120 V, 60 Hz|safe|right|911|911|911|
canada|CA|Canada|Canada|North America|Ottawa|English;French|CAD|Canadian dollar|$|UTC−3:30 to UTC−8, DST in most provinces|A,B|120 V, 60 Hz|safe|right|911|911|911|
mexico|MX|Mexico|México|North America|Mexico City|Spanish|MXN|Mexican peso|$|UTC−6 in most of the country, no DST|A,B|127 V, 60 Hz|unsafe|right|911|911|911|
costa-rica|CR|Costa Rica|Costa Rica|North America|San José|Spanish|CRC|Costa Rican colón|₡|UTC−6, no DST|A,B|120 V, 60 Hz|varies|right|911|911|911|
brazil|BR|Brazil|Brasil|South America|Brasília|Portuguese|BRL|Brazilian real|R$|UTC−3 (BRT) in most cities, no DST|C,N|127/220 V, 60 Hz|varies|right|190|192|193|
argentina|AR|Argentina|Argentina|South America|Buenos Aires|Spanish|ARS|Argentine peso|$|UTC−3 (ART), no DST|C,I|220 V, 50 Hz|varies|right|911|107|100|
chile|CL|Chile|Chile|South America|Santiago|Spanish|CLP|Chilean peso|$|UTC−4, DST UTC−3|C,L|220 V, 50 Hz|varies|right|133|131|132|
peru|PE|Peru|Perú|South America|Lima|Spanish;Quechua|PEN|Peruvian sol|S/|UTC−5, no DST|A,C|220 V, 60 Hz|unsafe|right|105|106|116|
colombia|CO|Colombia|Colombia|South America|Bogotá|Spanish|COP|Colombian peso|$|UTC−5, no DST|A,B|110 V, 60 Hz|varies|right|123|123|123|
egypt|EG|Egypt|مصر|Africa|Cairo|Arabic|EGP|Egyptian pound|E£|UTC+2 (EET), DST UTC+3|C,F|220 V, 50 Hz|unsafe|right|122|123|180|tourist_police=126
morocco|MA|Morocco|المغرب|Africa|Rabat|Arabic;Berber|MAD|Moroccan dirham|DH|UTC+1, changes during Ramadan|C,E|220 V, 50 Hz|varies|right|19|15|15|
south-africa|ZA|South Africa|South Africa|Africa|Pretoria|Zulu;Xhosa;Afrikaans;English|ZAR|South African rand|R|UTC+2 (SAST), no DST|C,D,M,N|230 V, 50 Hz|varies|left|10111|10177|10177|
kenya|KE|Kenya|Kenya|Africa|Nairobi|Swahili;English|KES|Kenyan shilling|KSh|UTC+3 (EAT), no DST|G|240 V, 50 Hz|unsafe|left|999|999|999|
australia|AU|Australia|Australia|Oceania|Canberra|English|AUD|Australian dollar|$|UTC+8 to UTC+10:30, DST in some states|I|230 V, 50 Hz|safe|left|000|000|000|general=112
new-zealand|NZ|New Zealand|Aotearoa|Oceania|Wellington|English;Māori|NZD|New Zealand dollar|$|UTC+12 (NZST), DST UTC+13|I|230 V, 50 Hz|safe|left|111|111|111|
fiji|FJ|Fiji|Viti|Oceania|Suva|English;Fijian;Fiji Hindi|FJD|Fijian dollar|$|UTC+12, no DST|I|240 V, 50 Hz|varies|left|917|911|910|`

// parseCountries turns countryTable into records. The table is a constant,
// so a malformed row is a programming error and panics.
func parseCountries() []country {
	lines := strings.Split(countryTable, "\n")
	out := make([]country, 0, len(lines))
	for _, line := range lines {
		f := strings.Split(line, "|")
		if len(f) != 19 {
			panic("gensite: bad country row: " + line)
		}
		c := country{
			Slug: f[0], ISO2: f[1], Name: f[2], Native: f[3], Continent: f[4], Capital: f[5],
			Languages: strings.Split(f[6], ";"),
			CurCode:   f[7], CurName: f[8], CurSymbol: f[9],
			Timezone: f[10], Plugs: strings.Split(f[11], ","),
			Voltage: f[12], TapWater: f[13], DrivingSide: f[14],
			Emergency: [][2]string{{"police", f[15]}, {"ambulance", f[16]}, {"fire", f[17]}},
		}
		if f[18] != "" {
			for _, kv := range strings.Split(f[18], ";") {
				k, v, _ := strings.Cut(kv, "=")
				c.Emergency = append(c.Emergency, [2]string{k, v})
			}
		}
		out = append(out, c)
	}
	return out
}
