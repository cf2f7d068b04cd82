package pgstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// Users lists users whose name or email starts with q.Prefix
// (case-insensitively), by name, with their comments, reviews and the
// reports against them. The cursor is the last name of the previous page.
func (db *DB) Users(ctx context.Context, q beforetrip.UserQuery) (*beforetrip.UserPage, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	limit := beforetrip.PageLimit(q.Limit, beforetrip.DefaultUserLimit, beforetrip.MaxUserLimit)
	rows, err := db.pool.Query(ctx, `SELECT `+userColumns+`,
			(SELECT count(*) FROM comments c WHERE c.author_id = u.id AND NOT coalesce((c.doc->>'deleted')::boolean, false)),
			(SELECT count(*) FROM reviews r WHERE r.author_id = u.id),
			(SELECT count(*) FROM reports p WHERE
				(p.kind = 'comment' AND p.item_id IN (SELECT id FROM comments WHERE author_id = u.id)) OR
				(p.kind = 'review' AND p.item_id IN (SELECT id FROM reviews WHERE author_id = u.id)))
		FROM users u
		WHERE (starts_with(lower(username), $1) OR starts_with(lower(email), $1))
			AND ($2 = '' OR lower(username) COLLATE "C" > $2)
		ORDER BY lower(username) COLLATE "C" LIMIT $3`,
		strings.ToLower(q.Prefix), strings.ToLower(q.Cursor), limit+1)
	if err != nil {
		return nil, wrap(err, "users")
	}
	defer rows.Close()
	page := &beforetrip.UserPage{Users: []beforetrip.UserSummary{}}
	for rows.Next() {
		var s beforetrip.UserSummary
		var id int64
		u := &s.User
		if err := rows.Scan(&id, &u.Username, &u.Email, &u.Role, &u.Blocked, &u.BlockedUntil, &u.BlockReason,
			&u.EmailVerified, &u.NotifyReplies, &u.CreatedAt, &u.PasswordHash,
			&s.Comments, &s.Reviews, &s.ReportsAgainst); err != nil {
			return nil, wrap(err, "users")
		}
		u.ID, u.CreatedAt, u.PasswordHash = uint64(id), u.CreatedAt.UTC(), nil // moderators never see hashes
		page.Users = append(page.Users, s)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "users")
	}
	if len(page.Users) > limit {
		page.Users = page.Users[:limit]
		page.Next = strings.ToLower(page.Users[limit-1].Username)
	}
	return page, nil
}

// PurgeUser soft-deletes every comment and deletes every review of a user,
// audited; the results name what changed.
func (db *DB) PurgeUser(ctx context.Context, actor beforetrip.Author, username string) ([]beforetrip.ModResult, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var out []beforetrip.ModResult
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		out = nil
		u, err := userByNameForUpdate(ctx, tx, username)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, doc FROM comments WHERE author_id = $1
			AND NOT coalesce((doc->>'deleted')::boolean, false) ORDER BY id FOR UPDATE`, int64(u.ID))
		if err != nil {
			return err
		}
		comments, err := collectComments(rows)
		if err != nil {
			return err
		}
		for i := range comments {
			c := &comments[i]
			old := *c
			c.Deleted, c.Body, c.HTML = true, "", ""
			if err := putComment(ctx, tx, c, false, old.Counted(), old.Pending); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "UPDATE reports SET open = false WHERE kind = 'comment' AND item_id = $1", int64(c.ID)); err != nil {
				return err
			}
			out = append(out, beforetrip.ModResult{Kind: beforetrip.ItemComment, Comment: c, WasPublic: old.Counted()})
		}
		rows, err = tx.Query(ctx, "SELECT id, doc FROM reviews WHERE author_id = $1 ORDER BY id FOR UPDATE", int64(u.ID))
		if err != nil {
			return err
		}
		reviews, err := collectReviews(rows)
		if err != nil {
			return err
		}
		for i := range reviews {
			r := &reviews[i]
			if err := deleteReview(ctx, tx, r); err != nil {
				return err
			}
			out = append(out, beforetrip.ModResult{Kind: beforetrip.ItemReview, Review: r, WasPublic: r.Public()})
		}
		return audit(ctx, tx, db.now, actor, "purge", "user "+u.Username,
			fmt.Sprintf("%d comments, %d reviews", len(comments), len(reviews)))
	})
	if err != nil {
		return nil, wrap(err, "purge %q", username)
	}
	return out, nil
}
