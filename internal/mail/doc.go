// Package mail is the one mail transport every feature sends through.
//
// Two senders implement Sender: SMTP (through go-mail) when SMTP_URL is
// set, and a file outbox (one .eml file per message under VAR_DIR/outbox)
// otherwise, which staff pages list and render. Both build the same MIME
// message.
//
// Privacy rule enforced here, below every feature: a message has exactly
// one To recipient and no Cc or Bcc, so the service can never expose one
// party's or complainant's address to another.
//
// Delivery rule, also enforced here for every feature: a message is sent
// once the SMTP server has answered 250 to the end of its data. What the
// server or the connection does after that (a 421 to RSET, a dropped
// connection, a failed QUIT) does not make it a failure, so no caller ever
// sends an accepted message again; Result carries the server's reply for
// the caller to record.
package mail
