package staff

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/staff/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// SignInAlertArgs emails one administrator that a sign-in budget was spent.
// One job per administrator, so a retry never mails the others twice.
type SignInAlertArgs struct {
	UserID  int64  `json:"user_id"`
	Account string `json:"account"`
	// Scope is "pair" (one address guessing one account), "account" (many
	// addresses guessing one account), "device" (one known device of the
	// account failing) or "client" (one address trying many accounts).
	Scope    string `json:"scope"`
	Failures int    `json:"failures"`
	Window   string `json:"window"`
}

// Kind implements river.JobArgs.
func (SignInAlertArgs) Kind() string { return "staff_sign_in_alert" }

// InsertOpts puts the message on the mail queue.
func (SignInAlertArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueMail}
}

// alertAdminsTx queues a message to every active administrator in tx.
// account is the existing account the alert is about, or "" for the
// client scope; it is the only text of the attempt that reaches the mail.
func (s *Service) alertAdminsTx(ctx context.Context, tx pgx.Tx, account string, k throttleKey) error {
	if s.jobs == nil {
		return errors.New("staff: no job client to enqueue sign-in alerts with; the composition root passes one to NewService")
	}
	ids, err := dbsqlc.New(tx).ActiveAdmins(ctx)
	if err != nil || len(ids) == 0 {
		return err
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		args := SignInAlertArgs{UserID: id, Account: account, Scope: k.scope, Failures: k.limit, Window: humanWait(s.settings.ThrottleWindow)}
		params[i] = river.InsertManyParams{Args: args}
	}
	_, err = s.jobs.InsertManyTx(ctx, tx, params)
	return err
}

// signInAlertText is the message; it names the account (a staff address)
// but never the client address.
func signInAlertText(a SignInAlertArgs) (subject, body string) {
	switch a.Scope {
	case "client":
		return "Sign-in attempts slowed: one address tried many accounts",
			fmt.Sprintf("One address failed to sign in %d times within %s, across different staff accounts.\n\n"+
				"Sign-in attempts from that address are now slowed down. Accounts still work from other addresses.\n", a.Failures, a.Window)
	case "account":
		return "Sign-in attempts slowed for " + a.Account,
			fmt.Sprintf("The staff account %s had %d failed sign-in attempts within %s, from many addresses.\n\n"+
				"Further attempts on it from addresses that have failed before are slowed down. "+
				"If its owner did not make them, someone may be guessing its password.\n", a.Account, a.Failures, a.Window)
	case "device":
		return "Sign-in attempts slowed for " + a.Account,
			fmt.Sprintf("The staff account %s had %d failed sign-in attempts within %s from a browser that has signed in to it before.\n\n"+
				"Further attempts from that browser are slowed down. If its owner did not make them, "+
				"someone may have the use of that browser and be guessing its password.\n", a.Account, a.Failures, a.Window)
	default:
		return "Sign-in attempts slowed for " + a.Account,
			fmt.Sprintf("The staff account %s had %d failed sign-in attempts from one address within %s.\n\n"+
				"Further attempts from that address are slowed down; the account still works from elsewhere. "+
				"If its owner did not make them, someone may be guessing its password.\n", a.Account, a.Failures, a.Window)
	}
}

type signInAlertWorker struct {
	river.WorkerDefaults[SignInAlertArgs]
	svc    *Service
	mailer mail.Sender
	from   string
}

// Work sends the alert to the administrator, if still active.
func (w *signInAlertWorker) Work(ctx context.Context, job *river.Job[SignInAlertArgs]) error {
	email, err := w.svc.q.ActiveUserEmail(ctx, job.Args.UserID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	subject, body := signInAlertText(job.Args)
	msg := &mail.Message{From: w.from, To: []string{email}, Subject: subject, Text: body,
		MessageID: fmt.Sprintf("sign-in-alert-%d@campaignwatch", job.ID)}
	if res := w.mailer.Send(ctx, msg)[0]; res.Err != nil {
		if mail.IsPermanent(res.Err) {
			return river.JobCancel(res.Err)
		}
		return res.Err
	}
	return nil
}
