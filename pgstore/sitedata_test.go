package pgstore

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestLikesSinceUsesTheTimeIndex: the query of LikesSince can read the
// likes of the window through likes_created (migration 0004) instead of
// scanning every like. Sequential scans are turned off for the EXPLAIN so
// that the planner's choice on a tiny table does not decide the test.
func TestLikesSinceUsesTheTimeIndex(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, "RESET enable_seqscan")
	rows, err := conn.Query(ctx, "EXPLAIN "+likesSinceSQL, time.Now().AddDate(0, -1, 0))
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(plan, "\n"), "likes_created") {
		t.Fatalf("LikesSince does not use likes_created:\n%s", strings.Join(plan, "\n"))
	}
}
