package outreach_test

import (
	"context"

	"github.com/campaignwatch/campaignwatch/outreach"
)

// callConfirmed calls an election the way staff do: a preview, then the
// call confirmed with the preview's token.
func callConfirmed(ctx context.Context, svc *outreach.Service, in outreach.CallInput) (*outreach.CallResult, error) {
	pv, err := svc.PreviewCall(ctx, in)
	if err != nil {
		return nil, err
	}
	in.Confirm = pv.Token
	return svc.Call(ctx, in)
}
