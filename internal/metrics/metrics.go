// Package metrics holds the Prometheus series campaignwatch exposes on
// /metrics: HTTP requests, jobs worked and mail sent.
//
// One Metrics value is made at start-up and handed to the parts that count;
// a private registry (not the global default) keeps tests independent.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is the set of series the service records.
type Metrics struct {
	Registry *prometheus.Registry

	// HTTPRequests counts requests by route template (never the raw path,
	// which could carry a reference or an address), method and status.
	HTTPRequests *prometheus.CounterVec
	// HTTPDuration observes request latency by route template.
	HTTPDuration *prometheus.HistogramVec
	// JobsWorked counts job attempts by kind, queue and outcome (ok, error,
	// cancelled, snoozed).
	JobsWorked *prometheus.CounterVec
	// JobDuration observes the time one job attempt took, by kind.
	JobDuration *prometheus.HistogramVec
	// MailMessages counts messages handed to the mail transport, by
	// transport (smtp, outbox) and outcome (sent, temporary, permanent).
	MailMessages *prometheus.CounterVec
}

// New registers every series on a fresh registry, with Go runtime and
// process collectors beside them.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		Registry: reg,
		HTTPRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "campaignwatch_http_requests_total",
			Help: "HTTP requests served, by route template, method and status code.",
		}, []string{"route", "method", "code"}),
		HTTPDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "campaignwatch_http_request_duration_seconds",
			Help:    "HTTP request latency by route template.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		JobsWorked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "campaignwatch_jobs_worked_total",
			Help: "Job attempts worked, by kind, queue and outcome.",
		}, []string{"kind", "queue", "outcome"}),
		JobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "campaignwatch_job_duration_seconds",
			Help:    "Duration of one job attempt, by kind.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}, []string{"kind"}),
		MailMessages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "campaignwatch_mail_messages_total",
			Help: "Messages handed to the mail transport, by transport and outcome.",
		}, []string{"transport", "outcome"}),
	}
	reg.MustRegister(m.HTTPRequests, m.HTTPDuration, m.JobsWorked, m.JobDuration, m.MailMessages)
	// Pre-create the common label sets so the series exist (at zero) from
	// the first scrape, which is what dashboards and alerts expect.
	for _, o := range []string{"sent", "temporary", "permanent"} {
		m.MailMessages.WithLabelValues("smtp", o)
		m.MailMessages.WithLabelValues("outbox", o)
	}
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}
