package web

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// A complaint in progress is kept on the person's side, not ours: the typed
// answers travel in an encrypted, authenticated cookie, so a database
// outage halfway through the form loses nothing they typed, and an
// abandoned form leaves nothing behind on the server. Only evidence files,
// too large for a cookie, wait in the complaint_drafts table under the
// draft's random id.

const (
	draftCookiePrefix = "cw_cdraft"
	draftCookieChunks = 6    // cookies of one draft, at most
	draftCookieChunk  = 3800 // characters per cookie, under the 4 KB browser limit
	draftLifetime     = 24 * time.Hour
	doneCookie        = "cw_cdone"
)

// errDraftTooLarge means the answers do not fit in the cookies.
var errDraftTooLarge = errors.New("complaint draft too large for its cookies")

// complaintDraft holds the answers exactly as typed, so a page shown again
// (after an error, a Change link or a database outage) shows what the person
// wrote, not our parse of it.
type complaintDraft struct {
	ID      string `json:"id"`
	Created int64  `json:"c"`
	Bot     bool   `json:"b,omitempty"`

	Channel           string `json:"ch,omitempty"`
	Sender            string `json:"s,omitempty"`
	Day               string `json:"d,omitempty"`
	Month             string `json:"m,omitempty"`
	Year              string `json:"y,omitempty"`
	Time              string `json:"t,omitempty"`
	Message           string `json:"msg,omitempty"`
	Description       string `json:"desc,omitempty"`
	RecipientsVisible string `json:"rv,omitempty"`
	TargetingReason   string `json:"tr,omitempty"`
	SpecialCategory   string `json:"sc,omitempty"`
	Consent           string `json:"co,omitempty"`
	OptedOut          string `json:"oo,omitempty"`
	TPSRegistered     string `json:"tps,omitempty"`
	SenderIdentified  string `json:"si,omitempty"`
	OptOutOffered     string `json:"oof,omitempty"`
	Party             string `json:"p,omitempty"` // registry id, or "other"
	PartyText         string `json:"pt,omitempty"`
	Name              string `json:"n,omitempty"`
	Email             string `json:"e,omitempty"`
	Phone             string `json:"ph,omitempty"`
	Postcode          string `json:"pc,omitempty"`
	MayContact        string `json:"mc,omitempty"`

	// Done lists the steps answered, so "Continue" after a Change link can
	// go back to check answers only when nothing is missing.
	Done []string `json:"done,omitempty"`
}

func (d *complaintDraft) done(step string) bool {
	for _, s := range d.Done {
		if s == step {
			return true
		}
	}
	return false
}

func (d *complaintDraft) markDone(step string) {
	if !d.done(step) {
		d.Done = append(d.Done, step)
	}
}

// fileKey is what the draft's files are stored under.
func (d *complaintDraft) fileKey() []byte {
	sum := sha256.Sum256([]byte("complaint-draft:" + d.ID))
	return sum[:]
}

func newDraftID() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// draftKeys derives separate encryption and MAC keys from SESSION_SECRET.
func (s *Server) draftKeys() (enc, mac []byte) {
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, s.cfg.SessionSecret)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	return derive("complaint-draft:enc"), derive("complaint-draft:mac")
}

// sealCookie compresses, encrypts (AES-256-GCM) and MACs v (HMAC-SHA256
// over the ciphertext, with the cookie name bound in, so one cookie's value
// cannot be replayed as another's).
func (s *Server) sealCookie(name string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var z bytes.Buffer
	fw, _ := flate.NewWriter(&z, flate.BestCompression)
	_, _ = fw.Write(plain)
	_ = fw.Close()
	encKey, macKey := s.draftKeys()
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	_, _ = rand.Read(nonce)
	sealed := gcm.Seal(nonce, nonce, z.Bytes(), []byte(name))
	m := hmac.New(sha256.New, macKey)
	m.Write([]byte(name))
	m.Write(sealed)
	return base64.RawURLEncoding.EncodeToString(sealed) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// openCookie reverses sealCookie; any tampering or a value sealed under
// another secret is an error.
func (s *Server) openCookie(name, value string, v any) error {
	body, tag, ok := strings.Cut(value, ".")
	if !ok {
		return errors.New("malformed")
	}
	sealed, err1 := base64.RawURLEncoding.DecodeString(body)
	sum, err2 := base64.RawURLEncoding.DecodeString(tag)
	if err1 != nil || err2 != nil {
		return errors.New("malformed")
	}
	encKey, macKey := s.draftKeys()
	m := hmac.New(sha256.New, macKey)
	m.Write([]byte(name))
	m.Write(sealed)
	if !hmac.Equal(sum, m.Sum(nil)) {
		return errors.New("bad MAC")
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	if len(sealed) < gcm.NonceSize() {
		return errors.New("short")
	}
	z, err := gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], []byte(name))
	if err != nil {
		return err
	}
	plain, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), 256<<10))
	if err != nil {
		return err
	}
	return json.Unmarshal(plain, v)
}

// loadDraft returns the request's draft, or a fresh one when there is none
// or it has expired or been tampered with.
func (s *Server) loadDraft(r *http.Request) *complaintDraft {
	var sb strings.Builder
	for i := 0; i < draftCookieChunks; i++ {
		c, err := s.formCookie(r, fmt.Sprintf("%s%d", draftCookiePrefix, i))
		if err != nil {
			break
		}
		sb.WriteString(c.Value)
	}
	d := &complaintDraft{}
	if sb.Len() > 0 && s.openCookie(draftCookiePrefix, sb.String(), d) == nil && d.ID != "" &&
		time.Since(time.Unix(d.Created, 0)) < draftLifetime {
		return d
	}
	return &complaintDraft{ID: newDraftID(), Created: time.Now().Unix()}
}

// saveDraft writes d into the draft cookies, clearing any left over from a
// longer earlier version.
func (s *Server) saveDraft(w http.ResponseWriter, r *http.Request, d *complaintDraft) error {
	v, err := s.sealCookie(draftCookiePrefix, d)
	if err != nil {
		return err
	}
	if len(v) > draftCookieChunks*draftCookieChunk {
		return errDraftTooLarge
	}
	maxAge := int(time.Until(time.Unix(d.Created, 0).Add(draftLifetime)).Seconds())
	for i := 0; i < draftCookieChunks; i++ {
		name := fmt.Sprintf("%s%d", draftCookiePrefix, i)
		if v == "" {
			if _, err := s.formCookie(r, name); err == nil {
				s.setFormCookie(w, name, "", -1)
			}
			continue
		}
		n := min(len(v), draftCookieChunk)
		s.setFormCookie(w, name, v[:n], maxAge)
		v = v[n:]
	}
	return nil
}

func (s *Server) clearDraft(w http.ResponseWriter, r *http.Request) {
	for i := 0; i < draftCookieChunks; i++ {
		name := fmt.Sprintf("%s%d", draftCookiePrefix, i)
		if _, err := s.formCookie(r, name); err == nil {
			s.setFormCookie(w, name, "", -1)
		}
	}
}

// setFormCookie sets one of the form's cookies (the draft's chunks, the
// confirmation) the way every cookie of ours is set (setCookie): over
// https with the __Host- prefix and Path=/, so a sibling subdomain cannot
// plant a draft of its own in a visitor's browser and have them fill it
// in. The prefix requires Path=/, so the cookies are no longer limited to
// /complaints.
func (s *Server) setFormCookie(w http.ResponseWriter, name, value string, maxAge int) {
	s.setCookie(w, name, value, maxAge)
}

// formCookie reads a cookie set by setFormCookie. Over https a cookie with
// the bare name is ignored: it may have been planted.
func (s *Server) formCookie(r *http.Request, name string) (*http.Cookie, error) {
	return r.Cookie(s.cookieName(name))
}

// clientKey is what the evidence a client uploads is counted under for
// its quota: a keyed hash of its address, so the draft table holds no
// network addresses.
func (s *Server) clientKey(r *http.Request) []byte {
	m := hmac.New(sha256.New, s.cfg.SessionSecret)
	m.Write([]byte("complaint-draft:client:"))
	m.Write([]byte(clientIP(r)))
	return m.Sum(nil)
}

// netKey is what an IPv6 client's evidence is also counted under: a keyed
// hash of its /48, so one allocation cannot take the whole store by
// spreading over its /64s. It is nil for IPv4.
func (s *Server) netKey(r *http.Request) []byte {
	n := clientNet(r)
	if n == "" {
		return nil
	}
	m := hmac.New(sha256.New, s.cfg.SessionSecret)
	m.Write([]byte("complaint-draft:net48:"))
	m.Write([]byte(n))
	return m.Sum(nil)
}

// DraftCleanupArgs is the periodic job that deletes evidence of complaint
// drafts abandoned for more than 24 hours. Deleting what has expired is
// idempotent: a second run finds nothing left to delete.
type DraftCleanupArgs struct{}

// Kind names the job in River.
func (DraftCleanupArgs) Kind() string { return "complaint_draft_cleanup" }

// InsertOpts keeps a single pending cleanup at a time.
func (DraftCleanupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueDefault, UniqueOpts: river.UniqueOpts{ByPeriod: 15 * time.Minute}}
}

type draftCleanupWorker struct {
	river.WorkerDefaults[DraftCleanupArgs]
	pool *pgxpool.Pool
}

func (w *draftCleanupWorker) Work(ctx context.Context, _ *river.Job[DraftCleanupArgs]) error {
	_, err := complaints.ExpireDrafts(ctx, w.pool)
	return err
}

// RegisterComplaintDraftJobs adds the draft cleanup worker and runs it
// every 15 minutes.
func RegisterComplaintDraftJobs(reg *jobs.Registry, pool *pgxpool.Pool) {
	river.AddWorker(reg.Workers(), &draftCleanupWorker{pool: pool})
	reg.AddPeriodic(river.PeriodicInterval(15*time.Minute), func() (river.JobArgs, *river.InsertOpts) {
		return DraftCleanupArgs{}, nil
	}, true)
}

// CleanupComplaintDrafts deletes expired draft files now (for tests and the
// CLI); the periodic job does the same.
func CleanupComplaintDrafts(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	return complaints.ExpireDrafts(ctx, pool)
}
