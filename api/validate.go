package api

import "github.com/beforetrip/beforetrip"

// ownUser is a user as its owner sees it: with the email, never the hash
// (others only ever see an Author).
func ownUser(u *beforetrip.User) beforetrip.User {
	return beforetrip.User{ID: u.ID, Username: u.Username, Email: u.Email, Role: u.Role,
		Blocked: u.Blocked, BlockedUntil: u.BlockedUntil, BlockReason: u.BlockReason, CreatedAt: u.CreatedAt,
		EmailVerified: u.EmailVerified, NotifyReplies: u.NotifyReplies}
}

func author(u *beforetrip.User) beforetrip.Author {
	return beforetrip.Author{ID: u.ID, Username: u.Username}
}
