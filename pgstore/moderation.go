package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// thresholdActor signs the audit entry of an item hidden by reports.
var thresholdActor = beforetrip.Author{Username: "(reports)"}

// Report records r (once per reader and item: ECONFLICT the second time)
// and hides the item when its open reports reach hideAfter.
func (db *DB) Report(ctx context.Context, r *beforetrip.Report, hideAfter int) (*beforetrip.ModResult, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if hideAfter < 1 {
		hideAfter = beforetrip.DefaultHideAfter
	}
	var res *beforetrip.ModResult
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		reporter, err := activeUser(ctx, tx, r.Reporter.ID)
		if err != nil {
			return err
		}
		// The item's row lock orders concurrent reports of it, so the
		// count below sees every earlier one.
		it, err := loadItem(ctx, tx, r.Kind, r.ItemID)
		if err != nil {
			return err
		}
		var dup bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM reports WHERE kind = $1 AND item_id = $2 AND reporter_id = $3)",
			r.Kind, int64(r.ItemID), int64(reporter.ID)).Scan(&dup); err != nil {
			return err
		}
		if dup {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "You already reported this %s.", r.Kind)
		}
		if !it.visibleTo(reporter.ID, false) {
			return beforetrip.Errorf(beforetrip.ENOTFOUND, "%s not found", r.Kind)
		}
		if it.author().ID == reporter.ID {
			return beforetrip.Errorf(beforetrip.EFORBIDDEN, "You cannot report your own %s.", r.Kind)
		}
		r.At = db.now().UTC().Truncate(time.Microsecond)
		v, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO reports (kind, item_id, reporter_id, open, at, doc)
			VALUES ($1, $2, $3, true, $4, $5)`, r.Kind, int64(r.ItemID), int64(reporter.ID), r.At, v); err != nil {
			return err
		}
		var open int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM reports WHERE kind = $1 AND item_id = $2 AND open",
			r.Kind, int64(r.ItemID)).Scan(&open); err != nil {
			return err
		}
		old := it.copy()
		if open >= hideAfter && !it.mod().Hidden {
			it.mod().Hidden = true
			if err := audit(ctx, tx, db.now, thresholdActor, "hide", it.target(), fmt.Sprintf("%d reports", open)); err != nil {
				return err
			}
			if err := it.save(ctx, tx, old); err != nil {
				return err
			}
		}
		res = it.result(old)
		return nil
	})
	if err != nil {
		return nil, wrap(err, "report %s %d", r.Kind, r.ItemID)
	}
	return res, nil
}

// Decide applies a moderator's decision to a comment or review, ends its
// wait for approval and closes its reports, audited.
func (db *DB) Decide(ctx context.Context, actor beforetrip.Author, kind beforetrip.ItemKind, id uint64,
	d beforetrip.Decision, reason string) (*beforetrip.ModResult, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if !d.Valid() {
		return nil, beforetrip.Invalid("decision", "unknown decision %q", d)
	}
	reason, err := beforetrip.ValidReason(reason)
	if err != nil {
		return nil, err
	}
	var res *beforetrip.ModResult
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		it, err := loadItem(ctx, tx, kind, id)
		if err != nil {
			return err
		}
		old := it.copy()
		it.setPending(false)
		it.mod().Apply(d, reason)
		if _, err := tx.Exec(ctx, "UPDATE reports SET open = false WHERE kind = $1 AND item_id = $2 AND open",
			kind, int64(id)); err != nil {
			return err
		}
		if err := audit(ctx, tx, db.now, actor, string(d), it.target(), reason); err != nil {
			return err
		}
		res = it.result(old)
		return it.save(ctx, tx, old)
	})
	if err != nil {
		return nil, wrap(err, "%s %s %d", d, kind, id)
	}
	return res, nil
}

// forgetReports deletes every report of an item that is gone.
func forgetReports(ctx context.Context, tx pgx.Tx, kind beforetrip.ItemKind, id uint64) error {
	_, err := tx.Exec(ctx, "DELETE FROM reports WHERE kind = $1 AND item_id = $2", kind, int64(id))
	return err
}

// openReports lists an item's open reports, oldest first.
func openReports(ctx context.Context, tx pgx.Tx, kind beforetrip.ItemKind, id uint64) ([]beforetrip.Report, error) {
	rows, err := tx.Query(ctx, "SELECT doc FROM reports WHERE kind = $1 AND item_id = $2 AND open ORDER BY at, reporter_id",
		kind, int64(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []beforetrip.Report{}
	for rows.Next() {
		var v []byte
		var r beforetrip.Report
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("decode report: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

var _ beforetrip.ModerationService = (*DB)(nil)
