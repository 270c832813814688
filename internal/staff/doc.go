// Package staff manages the regulator's staff accounts: users and their
// roles, password sign-in with throttling, server-side sessions and bearer
// API tokens.
//
// Secrets are never stored: passwords are kept as argon2id hashes, and
// session and API tokens as SHA-256 digests of high-entropy random values,
// so a copy of the database does not let anyone sign in.
package staff
