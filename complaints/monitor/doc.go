// Package monitor watches complaints during elections and tells the
// political team when something needs their attention.
//
// Every few minutes a periodic job (River runs periodic jobs on the elected
// leader only) compares, for each active election, party and channel, the
// complaints received in the last 24 hours with the daily mean of the seven
// days before. A count that reaches both a minimum and a multiple of that
// mean raises an alert, unless one was raised for the same party and
// channel within the cool-down. Once a day during an election's campaign
// phase (announcement to polling day) a digest goes to the team.
//
// Each message to each member of the team is a row in team_notifications
// written in the same transaction as the alert or digest it belongs to,
// and sent by its own job: a retried job finds the row marked sent and
// sends nothing, so nobody is told twice.
package monitor
