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
// Every text cell written to a spreadsheet or CSV goes through Neutralize,
// so that a complaint whose message is a formula is shown as text by any
// spreadsheet program that opens the file.
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
