package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/prometheus/client_golang/prometheus"
)

// backlogTimeout bounds the store read of one scrape.
const backlogTimeout = 5 * time.Second

// backlogCollector reads the store's backlog on every scrape, so the
// gauges are never stale and nothing counts them between scrapes.
type backlogCollector struct {
	health     beforetrip.StoreHealth
	log        *slog.Logger
	outbox     *prometheus.Desc
	moderation *prometheus.Desc
}

func newBacklogCollector(health beforetrip.StoreHealth, log *slog.Logger) *backlogCollector {
	return &backlogCollector{
		health: health, log: log,
		outbox: prometheus.NewDesc("beforetrip_outbox_mails",
			"Mails in the outbox, due or not (sent by the mail worker).", nil, nil),
		moderation: prometheus.NewDesc("beforetrip_moderation_queue_items",
			"Comments and reviews waiting in a moderation queue: pending (approval) or reported.",
			[]string{"queue"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (b *backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- b.outbox
	ch <- b.moderation
}

// Collect implements prometheus.Collector. A store that fails leaves the
// gauges out of this scrape (a gap, not a false zero).
func (b *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), backlogTimeout)
	defer cancel()
	bl, err := b.health.Backlog(ctx)
	if err != nil {
		b.log.Error("metrics: store backlog", "err", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(b.outbox, prometheus.GaugeValue, float64(bl.Outbox))
	ch <- prometheus.MustNewConstMetric(b.moderation, prometheus.GaugeValue, float64(bl.Pending), string(beforetrip.QueuePending))
	ch <- prometheus.MustNewConstMetric(b.moderation, prometheus.GaugeValue, float64(bl.Reported), string(beforetrip.QueueReported))
}
