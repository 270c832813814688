package web

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// handleUsers lists the staff accounts, with a disable or enable button on
// each but the administrator's own.
func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, nil)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, errs []apperr.FieldError) {
	users, err := s.staff.ListUsers(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, status, "users", page{Errors: errs, Data: map[string]any{"Users": users}})
}

func (s *Server) handleUserDisable(w http.ResponseWriter, r *http.Request) {
	s.setUserDisabled(w, r, true)
}

func (s *Server) handleUserEnable(w http.ResponseWriter, r *http.Request) {
	s.setUserDisabled(w, r, false)
}

// setUserDisabled disables or enables the account in the path. A refusal
// the administrator can act on (their own account, already done) is shown
// on the users page next to the account.
func (s *Server) setUserDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil {
		s.Error(w, r, apperr.New(apperr.NotFound, "There is no such staff account."))
		return
	}
	err = s.staff.SetDisabled(r.Context(), userFrom(r.Context()).ID, id, disabled)
	switch apperr.CodeOf(err) {
	case apperr.Internal:
		if err != nil {
			s.Error(w, r, err)
			return
		}
	case apperr.Invalid, apperr.Conflict:
		status := http.StatusUnprocessableEntity
		if apperr.CodeOf(err) == apperr.Conflict {
			status = http.StatusConflict
		}
		s.renderUsers(w, r, status, []apperr.FieldError{{Field: "user-" + strconv.FormatInt(id, 10), Message: apperr.MessageOf(err)}})
		return
	default:
		s.Error(w, r, err)
		return
	}
	if disabled {
		s.setFlash(w, "Account disabled. Its sessions have ended and its API tokens no longer work.")
	} else {
		s.setFlash(w, "Account enabled. Its owner can sign in again; API tokens were revoked when it was disabled, so any needed must be created again.")
	}
	http.Redirect(w, r, "/staff/admin/users", http.StatusSeeOther)
}
