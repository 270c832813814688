package audits_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/demo"
	"github.com/campaignwatch/campaignwatch/internal/demo/auditdemo"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// BenchmarkAuditOutputs times what the political team waits for on the
// demo programme (seven audits, 100 recommendations): each audit's
// follow-up report with its PDF (Plaid Cymru's bilingual), the summary
// with its PDF, the workbook, and a dry run of the largest import the
// service accepts (audits.MaxImportRows rows). It prints milliseconds per
// item, which is the figure that matters at this size.
func BenchmarkAuditOutputs(b *testing.B) {
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "bench"})
	pool := testdb.New(b)
	registry := parties.NewStore(pool)
	_, err := demo.Load(ctx, demo.Deps{Parties: registry, Staff: staff.NewService(pool, staff.Settings{}, fixture.InsertOnlyJobs(b, pool))})
	require.NoError(b, err)
	f := fixture.New(b, pool)
	svc := f.Audits()
	res, err := auditdemo.Load(ctx, svc, registry)
	require.NoError(b, err)
	list, err := svc.Audits(ctx, audits.AuditFilter{ProgrammeID: res.ProgrammeID})
	require.NoError(b, err)
	under := f.Audit()
	importFile := benchImport(b)

	var reportTime, summaryTime, workbookTime, importTime time.Duration
	var reports int
	for b.Loop() {
		start := time.Now()
		for _, a := range list {
			rep, err := svc.FollowUpReport(ctx, a.ID)
			require.NoError(b, err)
			_, err = rep.PDF()
			require.NoError(b, err)
			reports++
		}
		reportTime += time.Since(start)

		start = time.Now()
		sum, err := svc.Summary(ctx, res.ProgrammeID)
		require.NoError(b, err)
		_, err = sum.PDF("en")
		require.NoError(b, err)
		summaryTime += time.Since(start)

		start = time.Now()
		_, err = svc.Workbook(ctx, res.ProgrammeID)
		require.NoError(b, err)
		workbookTime += time.Since(start)

		start = time.Now()
		ir, err := svc.ImportRecommendations(ctx, under.ID, importFile, true)
		require.NoError(b, err)
		require.Empty(b, ir.Problems)
		importTime += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(float64(reportTime.Milliseconds())/float64(reports), "ms/report+pdf")
	b.ReportMetric(float64(summaryTime.Milliseconds())/n, "ms/summary+pdf")
	b.ReportMetric(float64(workbookTime.Milliseconds())/n, "ms/workbook")
	b.ReportMetric(float64(importTime.Milliseconds())/n, fmt.Sprintf("ms/import-%d-rows", audits.MaxImportRows))
	b.ReportMetric(0, "ns/op")
}

// benchImport is a valid CSV of audits.MaxImportRows recommendations.
func benchImport(b *testing.B) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(b, w.Write([]string{"area", "priority", "finding", "action", "target_date", "provisions", "guidance"}))
	areas := audits.Areas.Codes()
	target := vocab.Today().AddDate(0, 3, 0).Format(time.DateOnly)
	for i := range audits.MaxImportRows {
		require.NoError(b, w.Write([]string{areas[i%len(areas)], audits.Priorities.Codes()[i%4],
			fmt.Sprintf("Finding %d: the privacy notice does not say where data comes from.", i),
			fmt.Sprintf("Action %d: say where data comes from in the privacy notice.", i), target, "UKGDPR-13;UKGDPR-14", "G2"}))
	}
	w.Flush()
	require.NoError(b, w.Error())
	return buf.Bytes()
}
