package complaintform

import (
	"bytes"
	"compress/flate"
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
	Member            string `json:"mb,omitempty"`
	Contacted         string `json:"ct,omitempty"`
	WorkAddress       string `json:"wa,omitempty"`
	// The day they asked the sender to stop, as typed.
	StopDay   string `json:"sd,omitempty"`
	StopMonth string `json:"sm,omitempty"`
	StopYear  string `json:"sy,omitempty"`
	// The data_breach answers: vocab.BreachPlaces and vocab.ExposedData
	// codes.
	BreachWhere   string   `json:"bw,omitempty"`
	BreachExposed []string `json:"bx,omitempty"`
	Party         string   `json:"p,omitempty"` // registry id, or "other"
	PartyText     string   `json:"pt,omitempty"`
	Name          string   `json:"n,omitempty"`
	Email         string   `json:"e,omitempty"`
	Phone         string   `json:"ph,omitempty"`
	Postcode      string   `json:"pc,omitempty"`
	MayContact    string   `json:"mc,omitempty"`

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
func (f *form) draftKeys() (enc, mac []byte) {
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, f.cfg.SessionSecret)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	return derive("complaint-draft:enc"), derive("complaint-draft:mac")
}

// sealCookie compresses, encrypts (AES-256-GCM) and MACs v (HMAC-SHA256
// over the ciphertext, with the cookie name bound in, so one cookie's value
// cannot be replayed as another's).
func (f *form) sealCookie(name string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var z bytes.Buffer
	fw, _ := flate.NewWriter(&z, flate.BestCompression)
	_, _ = fw.Write(plain)
	_ = fw.Close()
	encKey, macKey := f.draftKeys()
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
func (f *form) openCookie(name, value string, v any) error {
	body, tag, ok := strings.Cut(value, ".")
	if !ok {
		return errors.New("malformed")
	}
	sealed, err1 := base64.RawURLEncoding.DecodeString(body)
	sum, err2 := base64.RawURLEncoding.DecodeString(tag)
	if err1 != nil || err2 != nil {
		return errors.New("malformed")
	}
	encKey, macKey := f.draftKeys()
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

// startedDraft is the visitor's draft once a channel is chosen. Before
// that the later pages have nothing to work on: it sends the visitor to
// the first step and reports false.
func (f *form) startedDraft(w http.ResponseWriter, r *http.Request) (*complaintDraft, bool) {
	d := f.loadDraft(r)
	if d.Channel == "" {
		http.Redirect(w, r, stepPath(stepChannel), http.StatusSeeOther)
		return nil, false
	}
	return d, true
}

// loadDraft returns the request's draft, or a fresh one when there is none
// or it has expired or been tampered with.
func (f *form) loadDraft(r *http.Request) *complaintDraft {
	var sb strings.Builder
	for i := 0; i < draftCookieChunks; i++ {
		c, err := f.formCookie(r, fmt.Sprintf("%s%d", draftCookiePrefix, i))
		if err != nil {
			break
		}
		sb.WriteString(c.Value)
	}
	d := &complaintDraft{}
	if sb.Len() > 0 && f.openCookie(draftCookiePrefix, sb.String(), d) == nil && d.ID != "" &&
		time.Since(time.Unix(d.Created, 0)) < draftLifetime {
		return d
	}
	return &complaintDraft{ID: newDraftID(), Created: time.Now().Unix()}
}

// saveDraft writes d into the draft cookies, clearing any left over from a
// longer earlier version.
func (f *form) saveDraft(w http.ResponseWriter, r *http.Request, d *complaintDraft) error {
	v, err := f.sealCookie(draftCookiePrefix, d)
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
			if _, err := f.formCookie(r, name); err == nil {
				f.setFormCookie(w, name, "", -1)
			}
			continue
		}
		n := min(len(v), draftCookieChunk)
		f.setFormCookie(w, name, v[:n], maxAge)
		v = v[n:]
	}
	return nil
}

func (f *form) clearDraft(w http.ResponseWriter, r *http.Request) {
	for i := 0; i < draftCookieChunks; i++ {
		name := fmt.Sprintf("%s%d", draftCookiePrefix, i)
		if _, err := f.formCookie(r, name); err == nil {
			f.setFormCookie(w, name, "", -1)
		}
	}
}

// setFormCookie sets one of the form's cookies (the draft's chunks, the
// confirmation) the way every cookie of ours is set (Host.SetCookie): over
// https with the __Host- prefix and Path=/, so a sibling subdomain cannot
// plant a draft of its own in a visitor's browser and have them fill it
// in. The prefix requires Path=/, so the cookies are no longer limited to
// /complaints.
func (f *form) setFormCookie(w http.ResponseWriter, name, value string, maxAge int) {
	f.host.SetCookie(w, name, value, maxAge)
}

// formCookie reads a cookie set by setFormCookie. Over https a cookie with
// the bare name is ignored: it may have been planted.
func (f *form) formCookie(r *http.Request, name string) (*http.Cookie, error) {
	return f.host.Cookie(r, name)
}
