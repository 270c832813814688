package web

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
)

// settingsBodyLimit is the settings form's body limit: room for a new
// signature image on several rows at once (each at most 200 KB).
const settingsBodyLimit = 4 << 20

// registerSettingsRoutes mounts the organisation settings page, admins
// only. It is called before the general /staff
// subrouter, so the page's larger body limit applies.
func (s *Server) registerSettingsRoutes(r *mux.Router) {
	if s.orgStore == nil {
		return
	}
	st := r.PathPrefix("/staff/settings").Subrouter()
	st.Use(s.signInBeforeBody, s.limitBody(settingsBodyLimit), s.csrfProtect)
	st.Handle("", s.allowFunc(adminOnly, s.handleSettings)).Methods(http.MethodGet)
	st.Handle("", s.allowFunc(adminOnly, s.handleSettingsSave)).Methods(http.MethodPost)
	st.Handle("/versions/{n:[0-9]+}", s.allowFunc(adminOnly, s.handleSettingsVersion)).Methods(http.MethodGet)
}

// registerSettingsAPI mounts GET /api/v1/settings, admins only.
func (s *Server) registerSettingsAPI(api *mux.Router) {
	if s.orgStore != nil {
		api.Handle("/settings", s.allowFunc(adminOnly, s.handleSettingsAPI)).Methods(http.MethodGet)
	}
}

// settingsForm is the settings page: the form's values as entered (text,
// so a refused save shows them again as typed), the history, and, when
// viewing an earlier version, that version read-only.
type settingsForm struct {
	// Version is the version the form started from (Store.Save refuses
	// the save when another came in since).
	Version int

	Name, NameCY, Unit, UnitCY, Address, Phone, Website, ContactMailbox                   string
	ControllerName, ControllerNameCY, ControllerEmail, ControllerAddress, ControllerPhone string
	DPOName, DPONameCY, DPOEmail, DPOAddress, DPOPhone                                    string

	Signatories []signatoryRow
	References  []referenceRow
	Note        string

	Errors   fieldErrors
	Versions []organisation.VersionInfo
	// Viewing is the version shown read-only (settings_version.html).
	Viewing *organisation.VersionInfo
}

// signatoryRow is the form's row for one letter type.
type signatoryRow struct {
	Key   string // the letter type; "" for any other letter
	Label string // "Complaints follow-up letters"
	// ID prefixes the row's field names and ids: "signatory-default".
	ID                   string
	Name, Title, TitleCY string
	// Image is the signature shown (a data: URL of the content-checked
	// image), Kept the base64 of an image uploaded with a refused save,
	// carried so it need not be chosen again.
	Image       template.URL
	Kept        string
	RemoveImage bool
}

// referenceRow is the form's row for one document of the library.
type referenceRow struct {
	Index                           int
	Key, Title, TitleCY, URL, URLCY string
	Remove                          bool
}

// letterTypes lists the letter types a signatory can be set for: every
// letter template that exists, and any already in the settings.
func (s *Server) letterTypes(r *http.Request, org *organisation.Settings) ([]string, error) {
	seen := map[string]bool{}
	if s.outreach != nil {
		tpls, err := s.outreach.Templates(r.Context())
		if err != nil {
			return nil, err
		}
		for _, t := range tpls {
			seen[t.Name] = true
		}
	}
	for k := range org.Signatories {
		if k != "" {
			seen[k] = true
		}
	}
	out := make([]string, 0, len(seen)+1)
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return append([]string{""}, out...), nil
}

// formOf fills the form from saved settings.
func formOf(org *organisation.Settings, types []string) *settingsForm {
	f := &settingsForm{Version: org.Version, Name: org.Name, NameCY: org.NameCY, Unit: org.Unit, UnitCY: org.UnitCY,
		Address: strings.Join(org.Address, "\n"), Phone: org.Phone, Website: org.Website, ContactMailbox: org.ContactMailbox,
		ControllerName: org.Controller.Name, ControllerNameCY: org.Controller.NameCY, ControllerEmail: org.Controller.Email,
		ControllerAddress: strings.Join(org.Controller.Address, "\n"), ControllerPhone: org.Controller.Phone,
		DPOName: org.DPO.Name, DPONameCY: org.DPO.NameCY, DPOEmail: org.DPO.Email,
		DPOAddress: strings.Join(org.DPO.Address, "\n"), DPOPhone: org.DPO.Phone}
	for _, k := range types {
		sg := org.Signatories[k]
		f.Signatories = append(f.Signatories, signatoryRow{Key: k, Label: upperFirst(organisation.LetterTypeLabel(k)),
			ID: strings.TrimSuffix(organisation.SignatoryField(k, ""), "-"), Name: sg.Name, Title: sg.Title, TitleCY: sg.TitleCY,
			Image: imageURL(sg.Image)})
	}
	for i, ref := range org.References {
		f.References = append(f.References, referenceRow{Index: i, Key: ref.Key, Title: ref.Title, TitleCY: ref.TitleCY, URL: ref.URL, URLCY: ref.URLCY})
	}
	f.References = append(f.References, referenceRow{Index: len(f.References)})
	return f
}

// imageURL shows a signature image inline. Only images that passed the
// content check (organisation.CheckImage) are shown, so the data: URL is
// always a PNG or JPEG.
func imageURL(b []byte) template.URL {
	typ, problem := organisation.CheckImage(b)
	if len(b) == 0 || problem != "" {
		return ""
	}
	return template.URL("data:" + typ + ";base64," + base64.StdEncoding.EncodeToString(b))
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (s *Server) handleSettings(w http.ResponseWriter, r *http.Request) {
	org, err := s.orgStore.Current(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	types, err := s.letterTypes(r, org)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderSettings(w, r, http.StatusOK, formOf(org, types))
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, f *settingsForm) {
	versions, err := s.orgStore.Versions(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f.Versions = versions
	s.render(w, r, status, "settings", page{Errors: f.Errors, Data: f})
}

func (s *Server) handleSettingsVersion(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(mux.Vars(r)["n"])
	v, err := s.orgStore.Version(r.Context(), n)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	types, err := s.letterTypes(r, v.Settings)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f := formOf(v.Settings, types)
	f.References = f.References[:len(f.References)-1] // no blank row to add one
	f.Viewing = &v.VersionInfo
	s.render(w, r, http.StatusOK, "settings_version", page{Data: f})
}

// handleSettingsSave saves the form as a new version. Every problem is
// shown at once, beside its field, with the answers as entered.
func (s *Server) handleSettingsSave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.Error(w, r, err)
		return
	}
	cur, err := s.orgStore.Current(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f, in, refRows, pageErrs := readSettingsForm(r, cur)
	var saved *organisation.Settings
	if len(pageErrs) > 0 {
		// Nothing is saved, but every other problem is shown too.
		err = organisation.Validate(in)
	} else {
		saved, err = s.orgStore.Save(r.Context(), in, f.Note)
	}
	if apperr.CodeOf(err) == apperr.Conflict {
		// Someone saved since this form was opened. The answers are shown
		// again, not lost; the message says what saving again would do.
		latest, lerr := s.orgStore.Current(r.Context())
		if lerr != nil {
			s.Error(w, r, lerr)
			return
		}
		f.Errors = fieldErrors{{Field: "history", Code: "conflict", Message: fmt.Sprintf(
			"Someone saved version %d of the settings after you opened this page. Check their change in the history below: saving this form again replaces it with what you see here.", latest.Version)}}
		f.Version = latest.Version
		s.renderSettings(w, r, http.StatusConflict, f)
		return
	}
	if err != nil && apperr.CodeOf(err) != apperr.Invalid {
		s.Error(w, r, err)
		return
	}
	if err != nil || len(pageErrs) > 0 {
		errs := pageErrs
		for _, fe := range apperr.FieldsOf(err) {
			errs = append(errs, renumberReference(fe, refRows))
		}
		f.Errors = errs
		// A new image that passed the check is kept for the next try;
		// one that failed is dropped with its message.
		for i := range f.Signatories {
			row := &f.Signatories[i]
			if row.Kept != "" && fieldErrors(errs).For(row.ID+"-image") != "" {
				row.Kept, row.Image = "", ""
			}
		}
		s.renderSettings(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if saved.Version == cur.Version {
		s.setFlash(w, "Nothing changed, so no new version was saved.")
	} else {
		s.setFlash(w, fmt.Sprintf("Settings saved as version %d. Letters, reports and the public pages use them from now on.", saved.Version))
	}
	http.Redirect(w, r, "/staff/settings", http.StatusSeeOther)
}

var referenceFieldRE = regexp.MustCompile(`^reference-([0-9]+)-(.+)$`)

// renumberReference turns a field error of the i-th saved reference into
// one of the form row it came from (rows marked for removal or left blank
// are not saved, so the two can differ).
func renumberReference(fe apperr.FieldError, rows []int) apperr.FieldError {
	m := referenceFieldRE.FindStringSubmatch(fe.Field)
	if m == nil {
		return fe
	}
	i, _ := strconv.Atoi(m[1])
	if i >= len(rows) || rows[i] == i {
		return fe
	}
	fe.Field = organisation.ReferenceField(rows[i], m[2])
	fe.Message = strings.ReplaceAll(fe.Message, fmt.Sprintf("document %d", i+1), fmt.Sprintf("document %d", rows[i]+1))
	return fe
}

// readSettingsForm reads the posted form: f as entered, in as the
// settings to save, refRows the form row of each saved reference, and the
// problems only the page can see (an upload that could not be read).
// Images are taken from a new upload, else one kept from a refused save,
// else the current settings, unless "remove image" is ticked.
func readSettingsForm(r *http.Request, cur *organisation.Settings) (*settingsForm, *organisation.Settings, []int, []apperr.FieldError) {
	v := func(k string) string { return r.PostFormValue(k) }
	lines := func(k string) []string { return strings.Split(strings.ReplaceAll(v(k), "\r\n", "\n"), "\n") }
	version, _ := strconv.Atoi(v("version"))
	f := &settingsForm{Version: version, Name: v("name"), NameCY: v("name_cy"), Unit: v("unit"), UnitCY: v("unit_cy"),
		Address: v("address"), Phone: v("phone"), Website: v("website"), ContactMailbox: v("contact_mailbox"),
		ControllerName: v("controller_name"), ControllerNameCY: v("controller_name_cy"), ControllerEmail: v("controller_email"),
		ControllerAddress: v("controller_address"), ControllerPhone: v("controller_phone"),
		DPOName: v("dpo_name"), DPONameCY: v("dpo_name_cy"), DPOEmail: v("dpo_email"), DPOAddress: v("dpo_address"), DPOPhone: v("dpo_phone"),
		Note: v("note")}
	in := &organisation.Settings{Version: version, Name: f.Name, NameCY: f.NameCY, Unit: f.Unit, UnitCY: f.UnitCY,
		Address: lines("address"), Phone: f.Phone, Website: f.Website, ContactMailbox: f.ContactMailbox,
		Controller: organisation.Contact{Name: f.ControllerName, NameCY: f.ControllerNameCY, Email: f.ControllerEmail,
			Address: lines("controller_address"), Phone: f.ControllerPhone},
		DPO: organisation.Contact{Name: f.DPOName, NameCY: f.DPONameCY, Email: f.DPOEmail,
			Address: lines("dpo_address"), Phone: f.DPOPhone},
		Signatories: map[string]organisation.Signatory{}}
	var errs []apperr.FieldError

	keys := r.PostForm["signatory_key"]
	if len(keys) > organisation.MaxSignatories {
		keys = keys[:organisation.MaxSignatories]
	}
	for _, k := range keys {
		id := strings.TrimSuffix(organisation.SignatoryField(k, ""), "-")
		row := signatoryRow{Key: k, Label: upperFirst(organisation.LetterTypeLabel(k)), ID: id,
			Name: v(id + "-name"), Title: v(id + "-title"), TitleCY: v(id + "-title_cy"), RemoveImage: v(id+"-remove_image") != ""}
		sg := organisation.Signatory{Name: row.Name, Title: row.Title, TitleCY: row.TitleCY}
		img, uploaded, err := formFile(r, id+"-image")
		switch {
		case err != nil:
			errs = append(errs, apperr.FieldError{Field: id + "-image", Code: "invalid", Message: "The signature image for " + organisation.LetterTypeLabel(k) + " could not be read: choose the file again"})
		case uploaded:
			sg.Image = img
			row.Kept = base64.StdEncoding.EncodeToString(img)
		case v(id+"-image_kept") != "" && !row.RemoveImage:
			if b, err := base64.StdEncoding.DecodeString(v(id + "-image_kept")); err == nil {
				sg.Image, row.Kept = b, v(id+"-image_kept")
			}
		case !row.RemoveImage:
			sg.Image = cur.Signatories[k].Image
		}
		row.Image = imageURL(sg.Image)
		if row.RemoveImage {
			// Shown again with "remove" still ticked, so a refused save
			// does not bring the image back on the next try.
			row.Image = imageURL(cur.Signatories[k].Image)
		}
		f.Signatories = append(f.Signatories, row)
		in.Signatories[k] = sg
	}

	n, _ := strconv.Atoi(v("reference_rows"))
	n = min(max(n, 0), organisation.MaxReferences+1)
	var refRows []int
	for i := 0; i < n; i++ {
		field := func(name string) string { return v(organisation.ReferenceField(i, name)) }
		row := referenceRow{Index: i, Key: field("key"), Title: field("title"), TitleCY: field("title_cy"), URL: field("url"),
			URLCY: field("url_cy"), Remove: field("remove") != ""}
		f.References = append(f.References, row)
		blank := strings.TrimSpace(row.Key+row.Title+row.TitleCY+row.URL+row.URLCY) == ""
		if row.Remove || blank {
			continue
		}
		refRows = append(refRows, i)
		in.References = append(in.References, organisation.Reference{Key: row.Key, Title: row.Title, TitleCY: row.TitleCY, URL: row.URL, URLCY: row.URLCY})
	}
	if len(f.References) == 0 || f.References[len(f.References)-1] != (referenceRow{Index: len(f.References) - 1}) {
		f.References = append(f.References, referenceRow{Index: len(f.References)})
	}
	return f, in, refRows, errs
}

// formFile reads the file posted as field, if one was chosen: at most a
// byte more than a signature image may have, so a larger one is refused
// by its size without being read whole.
func formFile(r *http.Request, field string) ([]byte, bool, error) {
	file, hdr, err := r.FormFile(field)
	if err == http.ErrMissingFile {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer file.Close()
	if hdr.Size == 0 && hdr.Filename == "" {
		return nil, false, nil
	}
	b, err := io.ReadAll(io.LimitReader(file, organisation.MaxImageBytes+1))
	if err != nil {
		return nil, false, err
	}
	if len(b) == 0 {
		return nil, false, nil
	}
	return b, true, nil
}

// handleSettingsAPI answers GET /api/v1/settings: the settings in force,
// without the signature images (has_image says whether there is one).
func (s *Server) handleSettingsAPI(w http.ResponseWriter, r *http.Request) {
	org, err := s.orgStore.Current(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, organisation.ViewOf(org))
}

// inputField is one text box of the settings form (settings.html's
// settings-input), with its error.
type inputField struct {
	ID, Label, Hint, Value, Error string
	// Area makes it a text area (addresses, the note); Welsh marks a
	// Welsh value (lang="cy"), so screen readers read it as Welsh.
	Area, Welsh bool
}

// Input is the text box id, labelled label, showing value.
func (f *settingsForm) Input(id, label, hint, value string) inputField {
	return inputField{ID: id, Label: label, Hint: hint, Value: value, Error: f.Errors.For(id)}
}

// InputCY is a text box for a Welsh value.
func (f *settingsForm) InputCY(id, label, hint, value string) inputField {
	in := f.Input(id, label, hint, value)
	in.Welsh = true
	return in
}

// Area is a text area, for addresses (one line per part) and the note.
func (f *settingsForm) Area(id, label, hint, value string) inputField {
	in := f.Input(id, label, hint, value)
	in.Area = true
	return in
}

// Number is the row's number as people count, from 1.
func (r referenceRow) Number() int { return r.Index + 1 }

// Blank reports whether the row is the empty one for adding a document.
func (r referenceRow) Blank() bool {
	return strings.TrimSpace(r.Key+r.Title+r.TitleCY+r.URL+r.URLCY) == ""
}
