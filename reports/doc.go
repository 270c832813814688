// Package reports turns complaints into what the political team and
// analysts read: trend workbooks (xlsx) and CSV exports, large exports run
// as jobs.
//
// Reports never carry complainant personal data. The complaint rows hold
// the normalised sender (who sent the message, not who complained), and
// free text appears only when asked for, after internal/redact has replaced
// phone numbers, email addresses, NI numbers, dates of birth, addresses,
// postcodes, the complainant's name and other people's names.
//
// A complaint whose message is a formula is shown as text by any
// spreadsheet program that opens an export. In a workbook, text that
// begins with a formula character is written with a quote-prefix cell
// style (internal/spreadsheet), which keeps it text without showing an
// apostrophe; CSV has no styles, so there every such field gets a leading
// apostrophe (spreadsheet.Neutralize).
//
// Workbooks show coded values (channels, priorities, statuses, outcomes,
// referrals) as the labels of complaints/vocab; the CSV keeps the codes
// and puts a `*_label` column with the same words beside each.
//
// Every figure in a workbook is read inside one repeatable-read
// transaction, so the Summary, the aggregate sheets and the Complaints
// rows describe the same snapshot and add up.
//
// Reports own two tables, report_exports and report_export_chunks. Every
// other table they read belongs to another package. Static queries live in
// queries/*.sql (sqlc, into internal/dbsqlc); the queries whose WHERE clause
// is a Filter live in trends.sql, read by internal/sqlfilter.
package reports
