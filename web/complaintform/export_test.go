package complaintform

import (
	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/config"
)

// DoneCookie is the base name of the confirmation page's cookie.
const DoneCookie = doneCookie

// SealedDone is the confirmation cookie's value that sending a complaint
// answered with receipt leaves (handleComplaintSend), sealed under
// secret, so a test can show the confirmation page for any receipt.
func SealedDone(secret []byte, receipt complaints.Receipt) (string, error) {
	f := &form{cfg: &config.Config{SessionSecret: secret}}
	return f.sealCookie(doneCookie, doneFor(receipt))
}
