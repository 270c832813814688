// Package web is campaignwatch's HTTP interface: the public pages, the
// staff pages and the JSON API, on one gorilla/mux router.
//
// routes.go is the table of contents. Handlers are small: they decode the
// request, call a domain package and render the result or pass the error to
// Server.Error, the one place that maps application errors to HTML or JSON
// responses. Pages are html/template files embedded from the templates
// package and work without JavaScript.
//
// Security is layered in middleware: request IDs, an access log that never
// records bodies, query strings or client addresses, panic recovery,
// security headers with a strict Content-Security-Policy, body size limits,
// CSRF tokens on every form, and per-route role checks.
package web
