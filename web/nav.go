package web

import (
	"slices"
	"strings"

	"github.com/campaignwatch/campaignwatch/internal/staff"
)

// navLink is one page in the staff header. Roles is the very list its
// route is registered with, so the header cannot offer a page the route
// would refuse, nor hide one it would serve.
type navLink struct {
	Label string
	Path  string
	Roles []staff.Role
	// Exact marks a page that is current only at its own path (the
	// dashboard, whose path is a prefix of every staff page).
	Exact bool
}

// navSection is a heading in the staff header and its pages.
type navSection struct {
	Label string
	Links []navLink
}

// navTable is the staff header, in the order people see it. A section
// with one page is a plain link; a section with several lists them all,
// so every page is one click away without scripts.
var navTable = []navSection{
	{Label: "Dashboard", Links: []navLink{{Label: "Dashboard", Path: "/staff/", Roles: anyStaff, Exact: true}}},
	{Label: "Complaints", Links: []navLink{
		{Label: "All complaints", Path: "/staff/complaints", Roles: anyStaff},
		{Label: "Import complaints", Path: "/staff/complaints/import", Roles: complaintImportRoles},
	}},
	{Label: "Triage", Links: []navLink{
		{Label: "Queue", Path: "/staff/triage", Roles: triageRoles},
		{Label: "Clusters", Path: "/staff/clusters", Roles: anyStaff},
		{Label: "Alerts", Path: "/staff/alerts", Roles: anyStaff},
		{Label: "Rulebook", Path: "/staff/rulebook", Roles: anyStaff},
	}},
	{Label: "Parties", Links: []navLink{
		{Label: "All parties", Path: "/staff/parties", Roles: anyStaff},
		{Label: "Import parties", Path: "/staff/parties/import", Roles: adminAndPolTeam},
	}},
	{Label: "Elections", Links: []navLink{{Label: "Elections", Path: "/staff/elections", Roles: anyStaff}}},
	{Label: "Letters", Links: []navLink{
		{Label: "Templates", Path: "/staff/letter-templates", Roles: adminAndPolTeam},
		{Label: "Outbox", Path: "/staff/outbox", Roles: adminOnly},
		{Label: "Write to parties", Path: "/staff/letters/new", Roles: adminAndPolTeam},
	}},
	{Label: "Audits", Links: []navLink{{Label: "Audits", Path: "/staff/audits", Roles: auditStaffReaders}}},
	{Label: "Reports", Links: []navLink{{Label: "Reports", Path: "/staff/reports", Roles: reportViewers}}},
	{Label: "Admin", Links: []navLink{
		{Label: "Users", Path: "/staff/admin/users", Roles: adminOnly},
		{Label: "Audit log", Path: "/staff/admin/audit", Roles: adminOnly},
		{Label: "Jobs", Path: "/admin/jobs/", Roles: adminOnly},
		{Label: "Settings", Path: "/staff/settings", Roles: adminOnly},
	}},
	// Every role may call the API with a token, so every role may read
	// what it offers.
	{Label: "API description", Links: []navLink{{Label: "API description", Path: "/api/docs", Roles: anyStaff}}},
}

// navItem is a link of the header as one user sees it on one page.
type navItem struct {
	Label   string
	Path    string
	Current bool
}

// navGroup is a section of the header as one user sees it: Items holds
// only the pages the user's role may use.
type navGroup struct {
	Label   string
	Items   []navItem
	Current bool
}

// Single reports whether the section is shown as one plain link.
func (g navGroup) Single() bool { return len(g.Items) == 1 }

// buildNav is the header for a user of role on the page at path: the
// sections and pages the role may use, with the page matching path (the
// longest path prefix) marked current.
func buildNav(role staff.Role, path string) []navGroup {
	var out []navGroup
	best, bestLen := [2]int{-1, -1}, 0
	for _, sec := range navTable {
		g := navGroup{Label: sec.Label}
		for _, l := range sec.Links {
			if !slices.Contains(l.Roles, role) {
				continue
			}
			if n := navMatch(l, path); n > bestLen {
				best, bestLen = [2]int{len(out), len(g.Items)}, n
			}
			g.Items = append(g.Items, navItem{Label: l.Label, Path: l.Path})
		}
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	if best[0] >= 0 {
		out[best[0]].Current = true
		out[best[0]].Items[best[1]].Current = true
	}
	return out
}

// navMatch is how much of path link l matches: the length of its path if
// path is that page or a page below it, else 0.
func navMatch(l navLink, path string) int {
	p := strings.TrimSuffix(l.Path, "/")
	if l.Exact {
		if path == l.Path {
			return len(p) + 1
		}
		return 0
	}
	if path == p || strings.HasPrefix(path, p+"/") {
		return len(p)
	}
	return 0
}
