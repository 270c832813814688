package web

import (
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5"
	"riverqueue.com/riverui"

	"github.com/campaignwatch/campaignwatch/jobs"
)

const riverUIPrefix = "/admin/jobs"

func newRiverUI(client *jobs.Client, logger *slog.Logger) (*riverui.Handler, error) {
	return riverui.NewHandler(&riverui.HandlerOpts{
		Endpoints: riverui.NewEndpoints[pgx.Tx](client, nil),
		Logger:    logger,
		Prefix:    riverUIPrefix,
		// Job arguments may one day carry references; hide them until an
		// administrator chooses to look.
		JobListHideArgsByDefault: true,
	})
}

// riverUIGuard adapts our defences to River UI, a single-page app we do not
// write: it needs inline styles, and its API calls cannot carry our form
// token, so cross-site requests are refused by Origin/Sec-Fetch-Site
// instead (which every browser that runs the app sends).
func riverUIGuard(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
			"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.ServeHTTP(w, r)
	}))
}
