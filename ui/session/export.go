package session

import (
	"context"
	"fmt"

	"facecase/casefile"
	"facecase/media"
	"facecase/progress"
)

// ExportOutcome is a written bundle and its verification.
type ExportOutcome struct {
	Result *casefile.ExportResult
	Report *casefile.BundleReport
}

// ExportAndVerify writes an export bundle of the case to out (refusing to
// overwrite anything), signed with the installation key (its receipt is
// in the bundle, in Result.Receipt and in the receipt journal), and then
// verifies what was written, as an evidence clerk would. The error is
// non-nil when either step fails; a bundle that was written but does not
// verify is an error matching casefile.ErrBundleInvalid, with the report
// in the outcome.
func (s *Session) ExportAndVerify(ctx context.Context, out string, withMedia bool, rep progress.Reporter) (ExportOutcome, error) {
	dir, err := casefile.KeyDir()
	if err != nil {
		return ExportOutcome{}, err
	}
	key, err := casefile.LoadOrCreateSigningKey(dir)
	if err != nil {
		return ExportOutcome{}, err
	}
	res, err := casefile.Export(ctx, s.Case, out, casefile.ExportOptions{Media: withMedia, Redactor: media.RedactPhoto, Signer: key}, rep)
	if err != nil {
		return ExportOutcome{}, err
	}
	if _, err := casefile.AppendJournal(dir, res.Receipt); err != nil {
		return ExportOutcome{Result: res}, fmt.Errorf("the bundle was written, but its receipt was not kept: %w", err)
	}
	o := ExportOutcome{Result: res}
	o.Report, err = casefile.VerifyBundle(ctx, res.Path, rep)
	if err != nil {
		return o, fmt.Errorf("verify the exported bundle %s: %w", res.Path, err)
	}
	return o, o.Report.Err()
}
