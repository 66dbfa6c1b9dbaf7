package views

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/facedata"
	"facecase/progress"
	"facecase/recognition/eval"
	"facecase/ui/dialogs"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

// Dataset layouts offered by the Lab, as shown.
const (
	LabKindFolders  = "Folder per identity"
	LabKindManifest = "CSV manifest"
	LabKindPairs    = "Pairs file (LFW)"
)

var labKinds = map[string]session.LabKind{
	LabKindFolders:  session.LabFolders,
	LabKindManifest: session.LabManifest,
	LabKindPairs:    session.LabPairs,
}

// DefaultLabTargetFMR is the false match rate the Lab calibrates for
// unless told otherwise: 1 in 1,000.
const DefaultLabTargetFMR = 1e-3

// LabView is the accuracy and bias lab: it runs recognition/eval on a
// labelled dataset the trainer brings (through the backend, in the task
// bar, cancellable), shows the summary figures and the report's plots,
// and makes a measured threshold the case's default.
type LabView struct {
	win     fyne.Window
	backend LabBackend
	ctx     context.Context
	tasks   *widgets.TaskBar

	// OnThresholdApplied is called after a threshold became the case
	// default.
	OnThresholdApplied func()

	kind         *widget.Select
	dataset      *widget.Entry
	images       *widget.Entry
	groups       *widget.Entry
	targetFMR    *widget.Entry
	threshold    *widget.Entry
	reportFolder *widget.Entry
	runButton    *widget.Button
	// status says what the lab is doing, or what went wrong.
	status *widget.Label

	// The threshold choice of the run shown (see lab_threshold.go).
	choice       *widget.Entry
	choiceRates  *widget.Label
	useThreshold *widget.Button
	caseDefault  *widget.Label

	chooseImages *widget.Button
	form         *widget.Form
	results      *fyne.Container
	content      fyne.CanvasObject
	outcome      *session.LabOutcome
}

// NewLabView builds the Lab view; runs are shown in tasks.
func NewLabView(ctx context.Context, win fyne.Window, backend LabBackend, tasks *widgets.TaskBar) *LabView {
	v := &LabView{win: win, backend: backend, ctx: ctx, tasks: tasks,
		dataset: widget.NewEntry(), images: widget.NewEntry(), groups: widget.NewEntry(),
		targetFMR: widget.NewEntry(), threshold: widget.NewEntry(), reportFolder: widget.NewEntry(),
		status: widget.NewLabel(""), caseDefault: widget.NewLabel("")}
	v.kind = widget.NewSelect([]string{LabKindFolders, LabKindManifest, LabKindPairs}, func(string) { v.kindChanged() })
	v.dataset.SetPlaceHolder("folder of identity folders, CSV manifest or pairs file")
	v.images.SetPlaceHolder("folder of the pairs file's images (NAME/NAME_0001.jpg)")
	v.groups.SetPlaceHolder("group columns, comma-separated (empty: every column besides path and identity)")
	v.targetFMR.SetText(strconv.FormatFloat(DefaultLabTargetFMR, 'g', -1, 64))
	v.targetFMR.Validator = func(s string) error { _, err := parseTargetFMR(s); return err }
	// The raw distance's operating threshold of the per-group tables
	// (the normalised score is compared at matched FMRs instead).
	v.threshold.SetText(thresholdText(facedata.SameThreshold))
	v.threshold.Validator = func(s string) error { _, err := parseGridThreshold(s); return err }
	v.reportFolder.SetText(filepath.Join(filepath.Dir(backend.Path()), "lab-reports"))
	v.status.Wrapping = fyne.TextWrapWord
	v.caseDefault.Wrapping = fyne.TextWrapWord
	v.runButton = widget.NewButtonWithIcon("Run", theme.MediaPlayIcon(), v.Run)
	v.runButton.Importance = widget.HighImportance
	chooseData := widget.NewButton("Choose…", v.chooseDataset)
	v.chooseImages = widget.NewButton("Choose…", func() {
		dialogs.OpenFolder(v.win, "Images of the pairs file", func(p string) { v.images.SetText(p) })
	})
	chooseReport := widget.NewButton("Choose…", func() {
		dialogs.OpenFolder(v.win, "Folder for Lab reports", func(p string) { v.reportFolder.SetText(p) })
	})
	// The layout has a row of its own: beside the path it left the path
	// no room in the form's half of the view.
	v.form = widget.NewForm(
		widget.NewFormItem("Layout", v.kind),
		widget.NewFormItem("Dataset", container.NewBorder(nil, nil, nil, chooseData, v.dataset)),
		widget.NewFormItem("Pairs images", container.NewBorder(nil, nil, nil, v.chooseImages, v.images)),
		widget.NewFormItem("Group columns", v.groups),
		widget.NewFormItem("Target FMR", v.targetFMR),
		widget.NewFormItem("Operating threshold", v.threshold),
		widget.NewFormItem("Report folder", container.NewBorder(nil, nil, nil, chooseReport, v.reportFolder)),
	)
	v.kind.SetSelected(LabKindFolders)
	intro := widget.NewLabel("Measure, on a labelled dataset you bring, how often the engine matches the wrong person (FMR) " +
		"and misses the right one (FNMR), overall and per group, and which threshold meets a target FMR. " +
		"The figures are recognition/eval's, the same as facecase-cli eval.")
	intro.Wrapping = fyne.TextWrapWord
	v.results = container.NewVBox(widget.NewLabel("Choose a dataset and press Run."))
	// The form and the results side by side, each scrolling on its own:
	// the results get the window's height, and the wheel over the form's
	// fields never stops the results' scrolling.
	form := container.NewVBox(intro, v.form, container.NewBorder(nil, nil, v.runButton, nil, v.status), v.caseDefault)
	split := container.NewHSplit(container.NewVScroll(form), container.NewVScroll(v.results))
	split.Offset = 0.45
	v.content = split
	v.refreshCaseDefault()
	return v
}

// Content is the view's root object.
func (v *LabView) Content() fyne.CanvasObject { return v.content }

// Outcome is the run shown, or nil.
func (v *LabView) Outcome() *session.LabOutcome { return v.outcome }

// kindChanged enables the fields the chosen layout uses.
func (v *LabView) kindChanged() {
	kind := labKinds[v.kind.Selected]
	setEnabled(kind == session.LabPairs, v.images, v.chooseImages)
	setEnabled(kind == session.LabManifest, v.groups)
	if v.form != nil {
		v.form.Refresh() // the labels of disabled fields are dimmed
	}
}

func setEnabled(on bool, ws ...fyne.Disableable) {
	for _, w := range ws {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// chooseDataset asks for the dataset in the chosen layout.
func (v *LabView) chooseDataset() {
	set := func(p string) { v.dataset.SetText(p) }
	switch labKinds[v.kind.Selected] {
	case session.LabFolders:
		dialogs.OpenFolder(v.win, "Dataset: a folder per identity", set)
	case session.LabManifest:
		dialogs.OpenFile(v.win, "Dataset: CSV manifest", []string{".csv", ".txt"}, set)
	case session.LabPairs:
		dialogs.OpenFile(v.win, "Dataset: pairs file", []string{".txt", ".csv"}, set)
	}
}

// request is the run the form describes.
func (v *LabView) request() (session.LabRequest, error) {
	req := session.LabRequest{
		Kind:       labKinds[v.kind.Selected],
		Dataset:    strings.TrimSpace(v.dataset.Text),
		Bootstrap:  eval.DefaultConfig().Bootstrap,
		ReportRoot: strings.TrimSpace(v.reportFolder.Text),
	}
	if req.Dataset == "" {
		return req, errors.New("choose a dataset first")
	}
	if req.Kind == session.LabPairs {
		req.Images = strings.TrimSpace(v.images.Text)
	}
	if req.Kind == session.LabManifest {
		for _, g := range strings.Split(v.groups.Text, ",") {
			if g = strings.TrimSpace(g); g != "" {
				req.Groups = append(req.Groups, g)
			}
		}
	}
	var err error
	if req.TargetFMR, err = parseTargetFMR(v.targetFMR.Text); err != nil {
		return req, fmt.Errorf("target FMR: %w", err)
	}
	if req.Threshold, err = parseGridThreshold(v.threshold.Text); err != nil {
		return req, fmt.Errorf("operating threshold: %w", err)
	}
	return req, nil
}

func parseTargetFMR(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(f > 0 && f < 1) {
		return 0, errors.New("a rate between 0 and 1, such as 0.001 or 1e-4")
	}
	return f, nil
}

// parseGridThreshold reads a threshold on eval's 0.0001 grid.
func parseGridThreshold(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, errors.New("a distance such as 0.6")
	}
	k, err := eval.GridIndex(f)
	if err != nil {
		return 0, err
	}
	return eval.GridThreshold(k), nil
}

// Run starts the evaluation the form describes in the task bar; the
// results, or what went wrong, are shown when it ends.
func (v *LabView) Run() {
	req, err := v.request()
	if err != nil {
		v.setStatus(err.Error(), widget.DangerImportance)
		return
	}
	// Set before the task starts: its end may be reported at once.
	v.runButton.Disable()
	v.setStatus("Evaluating "+req.Dataset+"…", widget.MediumImportance)
	var out *session.LabOutcome
	task := v.tasks.Run(v.ctx, "Lab: evaluating "+filepath.Base(req.Dataset), func(ctx context.Context, rep progress.Reporter) (err error) {
		out, err = v.backend.RunLab(ctx, req, rep)
		return err
	}, func(err error) {
		v.runButton.Enable()
		switch {
		case errors.Is(err, context.Canceled):
			v.setStatus("The evaluation was cancelled; nothing was written.", widget.WarningImportance)
		case err != nil:
			v.setStatus(explainLab(err), widget.DangerImportance)
		default:
			// Anything skipped is a warning, in the theme's warning colour.
			imp := widget.SuccessImportance
			if len(out.Result.Dataset.Skipped.List()) > 0 {
				imp = widget.WarningImportance
			}
			v.setStatus(fmt.Sprintf("Evaluated %s: %s.", out.Dataset, out.Result.Dataset.Skipped.Summary()), imp)
			v.showOutcome(out)
		}
	})
	if task == nil {
		v.runButton.Enable()
		v.setStatus("Wait for the current task to finish (or cancel it) first.", widget.WarningImportance)
	}
}

func (v *LabView) setStatus(text string, imp widget.Importance) {
	v.status.Importance = imp
	v.status.SetText(text)
}

// labLeads explain the errors of a bad dataset or bad settings.
var labLeads = []dialogs.Lead{
	{Err: eval.ErrEmptyDataset, Text: "The dataset has no usable images: check that it is a folder per identity with image files, or a manifest whose paths exist."},
	{Err: eval.ErrManifestColumns, Text: "The CSV manifest does not have the columns the Lab needs: a path column, an identity column, then the group columns."},
	{Err: eval.ErrPairsHeader, Text: "The pairs file does not start with an LFW header line (folds and pairs per fold)."},
	{Err: eval.ErrTooManyGroups, Text: "A group column has too many distinct values: group raw values (ages) into bands."},
	{Err: eval.ErrConfig, Text: "The evaluation settings cannot be used."},
	{Err: eval.ErrThresholdOffGrid, Text: "The evaluation settings cannot be used."},
	{Err: eval.ErrTooFewPairs, Text: "The dataset has too few non-mated pairs to support that false match rate: choose a higher one, or a larger dataset."},
	{Err: eval.ErrNoNormalisedScore, Text: "This run has no normalised score."},
}

// explainLab puts a plain sentence before the errors of a bad dataset.
func explainLab(err error) string { return dialogs.ExplainWith(err, labLeads...) }
