package mail

import "github.com/beforetrip/beforetrip"

// text is one mail's wording in one language. Placeholders: {site} is the
// site title, {name} the reader's username, {email} the address a change
// concerns, {count} the number of replies.
type text struct {
	Subject string
	Lines   []string // paragraphs before the action link
	Action  string   // the button / link label
	After   []string // paragraphs after the link
}

// wording is every mail in every UI language the site has.
var wording = map[string]map[beforetrip.MailKind]text{
	"en": {
		beforetrip.MailReset: {
			Subject: "Reset your {site} password",
			Lines:   []string{"Hello {name},", "Someone (hopefully you) asked to reset the password of your {site} account. The link works once, for one hour."},
			Action:  "Choose a new password",
			After:   []string{"If you did not ask for this, ignore this mail: your password stays as it is."},
		},
		beforetrip.MailVerify: {
			Subject: "Confirm your email for {site}",
			Lines:   []string{"Hello {name},", "Welcome to {site}. Please confirm that this address is yours."},
			Action:  "Confirm my email",
			After:   []string{"If you did not register, ignore this mail."},
		},
		beforetrip.MailEmailChange: {
			Subject: "Confirm your new email for {site}",
			Lines:   []string{"Hello {name},", "You asked to use this address for your {site} account. It takes effect once you confirm it."},
			Action:  "Confirm this address",
			After:   []string{"If you did not ask for this, ignore this mail: nothing changes."},
		},
		beforetrip.MailEmailChanged: {
			Subject: "Your {site} email is being changed",
			Lines:   []string{"Hello {name},", "Someone logged in to your {site} account asked to change its email to {email}. It changes once that address is confirmed.", "If this was not you, change your password now and contact the site."},
		},
		beforetrip.MailReplies: {
			Subject: "New replies to your comment on {site}",
			Lines:   []string{"Hello {name},", "Readers replied to your comments on {site}:"},
			After:   []string{"You get these mails because you turned on reply notifications."},
			Action:  "Unsubscribe from reply notifications",
		},
	},
	"ko": {
		beforetrip.MailReset: {
			Subject: "{site} 비밀번호 재설정",
			Lines:   []string{"{name}님, 안녕하세요.", "{site} 계정의 비밀번호 재설정이 요청되었습니다. 이 링크는 한 번만, 1시간 동안 사용할 수 있습니다."},
			Action:  "새 비밀번호 정하기",
			After:   []string{"요청하지 않으셨다면 이 메일을 무시하세요. 비밀번호는 바뀌지 않습니다."},
		},
		beforetrip.MailVerify: {
			Subject: "{site} 이메일 확인",
			Lines:   []string{"{name}님, 안녕하세요.", "{site}에 오신 것을 환영합니다. 이 주소가 본인의 것인지 확인해 주세요."},
			Action:  "이메일 확인하기",
			After:   []string{"가입하지 않으셨다면 이 메일을 무시하세요."},
		},
		beforetrip.MailEmailChange: {
			Subject: "{site} 새 이메일 확인",
			Lines:   []string{"{name}님, 안녕하세요.", "{site} 계정에 이 주소를 쓰도록 요청하셨습니다. 확인하면 적용됩니다."},
			Action:  "이 주소 확인하기",
			After:   []string{"요청하지 않으셨다면 이 메일을 무시하세요. 아무것도 바뀌지 않습니다."},
		},
		beforetrip.MailEmailChanged: {
			Subject: "{site} 이메일 변경 요청",
			Lines:   []string{"{name}님, 안녕하세요.", "{site} 계정의 이메일을 {email}(으)로 바꾸는 요청이 있었습니다. 그 주소가 확인되면 바뀝니다.", "본인이 아니라면 지금 비밀번호를 바꾸고 사이트에 알려 주세요."},
		},
		beforetrip.MailReplies: {
			Subject: "{site}: 내 댓글에 새 답글",
			Lines:   []string{"{name}님, 안녕하세요.", "{site}에서 내 댓글에 답글이 달렸습니다:"},
			After:   []string{"답글 알림을 켜 두셔서 이 메일을 받으셨습니다."},
			Action:  "답글 알림 끄기",
		},
	},
}
