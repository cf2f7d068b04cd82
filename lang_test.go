package beforetrip

import "testing"

func TestPageLang(t *testing.T) {
	for _, tc := range []struct {
		name, fixed, text, site, want string
	}{
		{"korean text in the English build", "", "서울 지하철 타는 법: 티머니 카드를 사세요.", "en", "ko"},
		{"digits and punctuation do not count", "", "녹두전 10,000원!!! 2025-03-05", "en", "ko"},
		{"English text keeps the site language", "", "Japan is easy to visit.", "en", "en"},
		{"English text in the Korean build", "", "Japan is easy to visit.", "ko", "ko"},
		{"a few Korean words in English text", "", "Buy a T-money card (티머니) at any convenience store.", "en", "en"},
		{"mixed, Hangul majority", "", "KTX 기차표 예매는 코레일 앱으로", "en", "ko"},
		{"Japanese is not Korean", "", "日本語のテキスト", "en", "en"},
		{"empty text", "", "", "en", "en"},
		{"front matter wins", "en", "서울 지하철", "ko", "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PageLang(tc.fixed, tc.text, tc.site); got != tc.want {
				t.Errorf("PageLang(%q, %q, %q) = %q, want %q", tc.fixed, tc.text, tc.site, got, tc.want)
			}
		})
	}
}

func TestValidLang(t *testing.T) {
	for _, tc := range []struct {
		tag string
		ok  bool
	}{
		{"ko", true}, {"en", true}, {"en-GB", true}, {"zh-Hant", true}, {"yue", true}, {"es-419", true},
		{"", false}, {"k", false}, {"KO", false}, {"korean", false}, {"en_GB", false}, {"en-", false},
		{"-en", false}, {"en--GB", false}, {"ko\"><script>", false}, {"en-toolongsubtag", false},
	} {
		if got := ValidLang(tc.tag); got != tc.ok {
			t.Errorf("ValidLang(%q) = %v, want %v", tc.tag, got, tc.ok)
		}
	}
}
