package search

import "strings"

// koreanNames are countries' names in Korean, by English name (lower
// case): the site's content names countries in English (and their own
// language), readers of the Korean UI type them in Korean.
var koreanNames = map[string][]string{
	"japan": {"일본"}, "south korea": {"한국", "대한민국", "남한"}, "north korea": {"북한"},
	"china": {"중국"}, "taiwan": {"대만", "타이완"}, "hong kong": {"홍콩"}, "macau": {"마카오"},
	"thailand": {"태국"}, "vietnam": {"베트남"}, "philippines": {"필리핀"}, "singapore": {"싱가포르"},
	"malaysia": {"말레이시아"}, "indonesia": {"인도네시아"}, "india": {"인도"}, "nepal": {"네팔"},
	"mongolia": {"몽골"}, "cambodia": {"캄보디아"}, "laos": {"라오스"}, "myanmar": {"미얀마"},
	"sri lanka": {"스리랑카"}, "maldives": {"몰디브"}, "united arab emirates": {"아랍에미리트"},
	"türkiye": {"튀르키예", "터키"}, "turkey": {"튀르키예", "터키"}, "israel": {"이스라엘"}, "jordan": {"요르단"},
	"france": {"프랑스"}, "germany": {"독일"}, "italy": {"이탈리아"}, "spain": {"스페인"},
	"portugal": {"포르투갈"}, "united kingdom": {"영국"}, "ireland": {"아일랜드"}, "netherlands": {"네덜란드"},
	"belgium": {"벨기에"}, "switzerland": {"스위스"}, "austria": {"오스트리아"}, "czechia": {"체코"},
	"czech republic": {"체코"}, "poland": {"폴란드"}, "hungary": {"헝가리"}, "greece": {"그리스"},
	"croatia": {"크로아티아"}, "norway": {"노르웨이"}, "sweden": {"스웨덴"}, "finland": {"핀란드"},
	"denmark": {"덴마크"}, "iceland": {"아이슬란드"}, "russia": {"러시아"}, "ukraine": {"우크라이나"},
	"united states": {"미국"}, "canada": {"캐나다"}, "mexico": {"멕시코"}, "costa rica": {"코스타리카"},
	"cuba": {"쿠바"}, "brazil": {"브라질"}, "argentina": {"아르헨티나"}, "chile": {"칠레"}, "peru": {"페루"},
	"colombia": {"콜롬비아"}, "bolivia": {"볼리비아"}, "ecuador": {"에콰도르"}, "egypt": {"이집트"},
	"morocco": {"모로코"}, "south africa": {"남아프리카공화국", "남아공"}, "kenya": {"케냐"},
	"tanzania": {"탄자니아"}, "australia": {"호주", "오스트레일리아"}, "new zealand": {"뉴질랜드"}, "fiji": {"피지"},
	"uzbekistan": {"우즈베키스탄"}, "kazakhstan": {"카자흐스탄"}, "georgia": {"조지아"}, "qatar": {"카타르"},
	"saudi arabia": {"사우디아라비아"}, "estonia": {"에스토니아"}, "slovenia": {"슬로베니아"}, "romania": {"루마니아"},
	"bulgaria": {"불가리아"}, "serbia": {"세르비아"}, "montenegro": {"몬테네그로"}, "tunisia": {"튀니지"},
	"guam": {"괌"}, "palau": {"팔라우"}, "pakistan": {"파키스탄"}, "bangladesh": {"방글라데시"}, "bhutan": {"부탄"},
}

// KoreanNames returns the Korean names of the country named name in
// English, nil when the table does not know it.
func KoreanNames(name string) []string {
	return koreanNames[strings.ToLower(name)]
}
