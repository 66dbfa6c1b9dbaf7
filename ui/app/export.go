package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2/dialog"

	"facecase/progress"
	"facecase/ui/dialogs"
	"facecase/ui/session"
)

// Export writes the case's export bundle to path and verifies it, with
// progress in the window's task bar; the outcome is shown, and passed to
// done (may be nil) on the UI goroutine.
func (cw *CaseWindow) Export(path string, media bool, done func(session.ExportOutcome, error)) {
	var out session.ExportOutcome
	task := cw.tasks.Run(cw.ctx, "Exporting", func(ctx context.Context, rep progress.Reporter) (err error) {
		out, err = cw.sess.ExportAndVerify(ctx, path, media, rep)
		return err
	}, func(err error) {
		cw.Audit.Reload()
		if err != nil {
			dialogs.ShowError(cw.win, err)
		} else {
			dialog.ShowInformation("Export written and verified", fmt.Sprintf(
				"%s\n\n%d files, SHA-256 %s.\nThe bundle verified: every file re-hashed, the audit chain (head #%d %s) walked.",
				out.Report.Path, len(out.Report.Members), out.Report.SHA256, out.Report.AuditHead.Seq, out.Report.AuditHead.SHA256), cw.win)
		}
		if done != nil {
			done(out, err)
		}
	})
	if task == nil {
		err := fmt.Errorf("wait for the current task to finish (or cancel it) before exporting")
		dialogs.ShowError(cw.win, err)
		if done != nil {
			done(out, err)
		}
	}
}
