package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/monitor"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/reports"
)

// dashboardElection is one election's panel on the dashboard.
type dashboardElection struct {
	reports.DashboardElection
	PhaseName string
	Chart     *stackedChart
	Alerts    []monitor.Alert
}

type dashboardData struct {
	Elections  []dashboardElection
	Urgent     []reports.UrgentComplaint
	Alerts     []monitor.Alert
	Options    []reports.Option
	Nations    []string
	NationName map[string]string
	Election   int64
	Nation     string
	States     []string
	Channels   []string
	ChanNames  map[string]string
	Today      time.Time
}

// handleDashboard is the staff home: for each active election its phase
// and dates, letters by state, complaints per day by channel, top parties
// and open alerts, and the urgent complaints waiting for an officer.
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f reports.DashboardFilter
	var fe []apperr.FieldError
	if v := strings.TrimSpace(q.Get("election")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			fe = append(fe, apperr.FieldError{Field: "election", Message: "Choose an election from the list"})
		}
		f.ElectionID = id
	}
	if v := strings.TrimSpace(q.Get("nation")); v != "" {
		if !vocab.IsNation(v) {
			fe = append(fe, apperr.FieldError{Field: "nation", Message: "Choose a nation from the list"})
		}
		f.Nation = v
	}
	store := s.reportStore()
	data := &dashboardData{Nations: vocab.NationCodes(), NationName: vocab.NationLabels(vocab.English), Election: f.ElectionID, Nation: f.Nation,
		States: outreach.States, Channels: vocab.ChannelCodes(), ChanNames: vocab.ChannelLabels(vocab.English)}
	opts, err := store.ElectionOptions(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, o := range opts {
		if o.Active {
			data.Options = append(data.Options, o)
		}
	}
	if len(fe) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "home", page{Errors: fe, Data: data})
		return
	}
	d, err := store.Dashboard(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	alerts, err := monitor.OpenAlerts(r.Context(), s.pool, 200)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data.Urgent, data.Today = d.Urgent, d.Today
	shown := map[int64]int{}
	for _, e := range d.Elections {
		oe := outreach.Election{ID: e.ID, Name: e.Name, Type: e.Type, Nations: e.Nations, AnnouncedOn: e.AnnouncedOn,
			PollingDay: e.PollingDay, RegulatedFrom: e.RegulatedFrom, FollowUpDays: e.FollowUpDays}
		de := dashboardElection{DashboardElection: e, PhaseName: outreach.PhaseNames[oe.PhaseOn(d.Today)],
			Chart: newStackedChart(e.Name, e.Daily)}
		shown[e.ID] = len(data.Elections)
		data.Elections = append(data.Elections, de)
	}
	for _, a := range alerts {
		if i, ok := shown[a.ElectionID]; ok {
			data.Elections[i].Alerts = append(data.Elections[i].Alerts, a)
			data.Alerts = append(data.Alerts, a)
		}
	}
	s.render(w, r, http.StatusOK, "home", page{Data: data})
}

// reportStore is the store of complaint figures (Deps.ReportStore).
func (s *Server) reportStore() *reports.Store { return s.reportsStore }

// stackedChart is a server-rendered stacked column chart of complaints per
// day by channel, laid out in SVG user units so the template only places
// what is computed here.
type stackedChart struct {
	Title, Desc         string
	Width, Height       int
	Left, Top, Bottom   int
	PlotWidth, PlotBase int
	// Positions derived from the above, so the template does no sums.
	Right, YLabelX, XLabelY, LegendX, LegendTextX int
	Columns                                       []chartColumn
	YTicks                                        []chartTick
	XTicks                                        []chartTick
	Legend                                        []chartLegend
	Days                                          []reports.DayCounts
	Channels                                      []string
	Max                                           int
}

type chartColumn struct {
	Date     time.Time
	Total    int
	Segments []chartSegment
}

type chartSegment struct {
	X, Y, W, H float64
	Class      string
	Label      string
}

type chartTick struct {
	Pos   float64
	Label string
}

type chartLegend struct {
	Class, Label string
	Y, TextY     int
}

// Chart geometry, in SVG user units.
const (
	chartWidth  = 720
	chartHeight = 260
	chartLeft   = 44
	chartTop    = 10
	chartBottom = 36
	legendWidth = 170
)

// newStackedChart lays out days as stacked columns, one colour (a CSS
// class, distinguishable without relying on hue alone thanks to the order
// and the legend) per channel.
func newStackedChart(name string, days []reports.DayCounts) *stackedChart {
	c := &stackedChart{Width: chartWidth + legendWidth, Height: chartHeight, Left: chartLeft, Top: chartTop, Bottom: chartBottom,
		PlotWidth: chartWidth - chartLeft - 10, PlotBase: chartHeight - chartBottom, Days: days}
	c.Right, c.YLabelX, c.XLabelY = c.Left+c.PlotWidth, c.Left-6, c.PlotBase+18
	c.LegendX, c.LegendTextX = c.Right+24, c.Right+44
	total := 0
	used := map[string]bool{}
	for _, d := range days {
		// A complaint with several channels is in several segments of its
		// day's column, so the column can stand taller than the day's total.
		stack := 0
		total += d.Total
		for ch, n := range d.ByChannel {
			stack += n
			if n > 0 {
				used[ch] = true
			}
		}
		c.Max = max(c.Max, d.Total, stack)
	}
	for _, ch := range vocab.ChannelCodes() {
		if used[ch] {
			c.Channels = append(c.Channels, ch)
		}
	}
	top := niceCeil(c.Max)
	plotH := float64(c.PlotBase - c.Top)
	for i := 0; i <= 4; i++ {
		v := top * i / 4
		c.YTicks = append(c.YTicks, chartTick{Pos: round2(float64(c.PlotBase) - plotH*float64(v)/float64(top)), Label: strconv.Itoa(v)})
	}
	if len(days) > 0 {
		colW := float64(c.PlotWidth) / float64(len(days))
		gap := min(2, colW/5)
		step := max(1, (len(days)+6)/7)
		for i, d := range days {
			x := float64(c.Left) + colW*float64(i)
			col := chartColumn{Date: d.Date, Total: d.Total}
			y := float64(c.PlotBase)
			for _, ch := range c.Channels {
				n := d.ByChannel[ch]
				if n == 0 {
					continue
				}
				h := plotH * float64(n) / float64(top)
				y -= h
				col.Segments = append(col.Segments, chartSegment{X: round2(x + gap/2), Y: round2(y), W: round2(colW - gap), H: round2(h),
					Class: "chart-" + strings.ReplaceAll(ch, "_", "-"),
					Label: fmt.Sprintf("%s, %s: %d", d.Date.Format("2 Jan"), vocab.ChannelLabel(ch), n)})
			}
			c.Columns = append(c.Columns, col)
			if i%step == 0 {
				c.XTicks = append(c.XTicks, chartTick{Pos: round2(x + colW/2), Label: d.Date.Format("2 Jan")})
			}
		}
	}
	for i, ch := range c.Channels {
		c.Legend = append(c.Legend, chartLegend{Class: "chart-" + strings.ReplaceAll(ch, "_", "-"), Label: vocab.ChannelLabel(ch), Y: c.Top + 8 + i*22, TextY: c.Top + 19 + i*22})
	}
	c.Title = "Complaints per day by channel: " + name
	if len(days) > 0 {
		c.Desc = fmt.Sprintf("Stacked columns, one per day from %s to %s, %d complaints in all, at most %d on one day. The same figures are in the table that follows.",
			days[0].Date.Format("2 January 2006"), days[len(days)-1].Date.Format("2 January 2006"), total, c.Max)
	} else {
		c.Desc = "No days to show yet."
	}
	return c
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// niceCeil rounds n up to 1, 2 or 5 times a power of ten, divisible by 4
// ticks where possible, so axis labels are round numbers.
func niceCeil(n int) int {
	if n <= 4 {
		return 4
	}
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if v := 4 * m * p; v >= n {
				return v
			}
		}
	}
}
