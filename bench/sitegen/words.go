package sitegen

// The pools below are the raw material of generated pages. Placeholders:
// {C} country name, {K} capital, {S} currency symbol, {Q} currency code,
// {T} topic, {V} voltage.

// topic is a subject of a tip, with a Korean name for Korean slugs.
type topic struct{ En, Ko string }

var topics = []topic{
	{"airport transfers", "공항-이동"}, {"SIM and eSIM", "유심-이심"}, {"street food", "길거리-음식"},
	{"night trains", "야간-열차"}, {"city passes", "시티-패스"}, {"cash and cards", "현금과-카드"},
	{"tipping etiquette", "팁-문화"}, {"power adapters", "전원-어댑터"}, {"tap water", "수돗물"},
	{"rainy season", "우기"}, {"budget hotels", "저가-숙소"}, {"museum tickets", "박물관-티켓"},
	{"ride hailing", "차량-호출"}, {"local buses", "시내버스"}, {"ferries", "페리"},
	{"hiking trails", "등산로"}, {"night markets", "야시장"}, {"coffee culture", "커피-문화"},
	{"public holidays", "공휴일"}, {"visa on arrival", "도착-비자"}, {"travel insurance", "여행자-보험"},
	{"pharmacies", "약국"}, {"scams to avoid", "사기-주의"}, {"train reservations", "기차-예약"},
	{"car rental", "렌터카"}, {"beach safety", "해변-안전"}, {"souvenirs", "기념품"},
	{"vegetarian food", "채식-음식"}, {"family travel", "가족-여행"}, {"solo travel", "혼자-여행"},
}

// tagPool holds ~60 tags; some are Korean, as on the real site.
var tagPool = []string{
	"budget", "luxury", "food", "street-food", "transport", "trains", "buses", "flights",
	"airport", "money", "cards", "cash", "sim", "esim", "wifi", "visa", "safety", "health",
	"pharmacy", "water", "power", "weather", "rainy-season", "winter", "summer", "hiking",
	"beach", "islands", "museums", "nightlife", "markets", "shopping", "coffee", "vegetarian",
	"family", "solo", "couples", "accessibility", "etiquette", "tipping", "language", "festivals",
	"photography", "road-trip", "ferries", "scams", "insurance", "hotels", "hostels", "camping",
	"맛집", "교통", "환전", "유심", "숙소", "안전", "쇼핑", "자유여행", "가족여행", "배낭여행",
}

var authors = []string{"Minji Park", "Daniel Cho", "Sofia Rossi", "Haruto Sato", "Emma Novak", "이서연", "김도윤", "Lucas Silva"}

var headings = []string{
	"Before you go", "Getting around", "Money and payments", "What to pack", "Common mistakes",
	"Where to stay", "Staying connected", "Eating well", "Safety notes", "Timing your visit",
	"출발 전에 확인할 것", "현지 교통", "돈과 결제", "짐 싸기", "자주 하는 실수", "숙소 고르기",
}

var subheadings = []string{
	"The short version", "If you only have a weekend", "With kids", "On a tight budget",
	"After dark", "What locals do", "한 줄 요약", "알아두면 좋은 점", "현지인 팁",
}

var enSentences = []string{
	"Most visitors to {C} underestimate how long the trip from the airport into {K} takes at rush hour.",
	"Carry a little cash in {Q} even if cards work almost everywhere, because small stalls still prefer coins.",
	"The first thing to sort out is {T}, and it is easier than the forums make it sound.",
	"Prices in this guide are in {Q} and were checked on the ground, not copied from old blog posts.",
	"Sockets run at {V}, so check the label on your charger before you plug anything in.",
	"Booking a day ahead is usually enough, but on public holidays everything sells out within hours.",
	"Ask at the front desk about {T}; staff in {K} are used to the question and often have a printed map.",
	"If a deal sounds too good to be true near the main station, walk away politely and keep going.",
	"We tried three different approaches over two trips and the simplest one won every time.",
	"Download offline maps before you land, since roaming data can be patchy outside {K}.",
	"Locals plan {T} around the weather, and it is worth copying them rather than fighting the season.",
	"Keep a photo of your passport and your insurance policy on your phone and in your email.",
	"The official tourist office publishes updated opening hours every month, so check it the week before.",
	"Tap-to-pay works on most city transport, which saves a lot of queueing at ticket machines.",
	"Our favourite neighbourhood for a first stay is a short walk from the old town and close to a metro line.",
	"Budget travellers in {C} can eat very well for about {S}15 a day if they follow the lunch crowds.",
	"A reader wrote in to say that the rules for {T} changed last spring, and we have updated this section.",
	"Sunday mornings are the quietest time to visit the big sights, before the tour buses arrive.",
	"Write down the address of your hotel in the local script so you can show it to a taxi driver.",
	"None of this is complicated, but doing it in the right order saves a surprising amount of time.",
	"Leave a buffer day at the end of the trip in case a connection is cancelled or delayed.",
	"It is polite to greet shop staff when you come in, even if you only want to look around.",
}

var koSentences = []string{
	"{C} 여행을 준비한다면 {T}부터 미리 확인해 두는 것이 좋습니다.",
	"공항에서 {K} 시내까지는 생각보다 시간이 오래 걸리니 여유 있게 일정을 잡으세요.",
	"현금은 {Q} 기준으로 조금만 환전해 두고 나머지는 카드로 결제하면 편합니다.",
	"현지인들이 자주 가는 식당은 점심 시간에 특히 붐비니 조금 일찍 가는 것을 추천합니다.",
	"여행자 보험은 출발 전에 꼭 가입하고, 증권 사본을 휴대폰에 저장해 두세요.",
	"전압은 {V}이므로 충전기 라벨을 꼭 확인하세요.",
	"주말에는 관광지가 매우 붐비기 때문에 평일 오전에 방문하는 것이 가장 좋습니다.",
	"숙소 주소를 현지 언어로 적어 두면 택시를 탈 때 큰 도움이 됩니다.",
	"처음 방문이라면 구시가지 근처에 숙소를 잡는 것이 이동하기에 편리합니다.",
	"오프라인 지도를 미리 내려받아 두면 데이터가 끊겨도 걱정이 없습니다.",
	"{T}에 관한 규정은 자주 바뀌니 공식 사이트에서 최신 정보를 확인하세요.",
	"작은 가게에서는 카드가 안 되는 경우가 있으니 동전을 조금 챙기세요.",
}

// listItems are bullet and numbered list entries.
var listItems = []string{
	"Check your passport is valid for at least six months",
	"Buy a local eSIM before you fly",
	"Save the emergency numbers in your phone",
	"Pack a universal power adapter",
	"Book the first night's hotel in advance",
	"Learn five words of the local language",
	"Keep {S}50 in small notes for taxis",
	"Register your trip with your embassy",
	"여권 유효기간 확인하기",
	"유심 또는 이심 미리 구매하기",
	"비상 연락처 저장하기",
	"멀티 어댑터 챙기기",
	"Carry a refillable water bottle",
	"Photograph your luggage before check-in",
}

var codeBits = []string{"+82", "{Q}", "JR-PASS-7", "wifi: on", "GATE 12", "QR", "1330", "SIM-PIN 0000", "eSIM", "airplane mode"}

var tableRows = []string{
	"Airport train", "City bus ticket", "Coffee", "Street food lunch", "Museum entry",
	"Taxi across town", "Mid-range hotel", "Local SIM (7 days)", "Bottle of water", "Day pass",
}

var tipTitles = []string{
	"{T} in {C}: what actually works",
	"A practical guide to {T} in {C}",
	"{C} {T}: the short version",
	"How we handle {T} in {K}",
	"{C} 여행 꿀팁: {T}",
	"Everything I wish I knew about {T} in {C}",
}

var reviewTitles = []string{
	"{K} in five days: an honest review",
	"Review: {T} across {C}",
	"{C} revisited: was it worth it?",
	"{C} 솔직 후기: {T}",
	"Two weeks in {C}, rated",
}
