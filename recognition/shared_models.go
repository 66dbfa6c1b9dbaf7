package recognition

import (
	"errors"
	"sync"

	"facecase/models"
	"facecase/recognition/scorenorm"
)

// SharedModels holds the models an engine needs whatever its detector:
// dlib's shape predictor (66 MB of trees, mapped) and the descriptor net
// (about 75 MB with its ONNX Runtime session and arena) with the score
// normalisation cohort. Engines started with the same SharedModels
// (Options.Shared), such as a process's photo and video engines, load
// each of them once and use them at the same time (both are safe for
// concurrent use). Closing such an engine leaves them loaded; Close
// releases them once every engine using them is closed.
type SharedModels struct {
	alignerMu sync.Mutex
	aligner   *Aligner

	netMu  sync.Mutex
	nets   map[string]*DescriptorNet // by runtime
	cohort *scorenorm.Cohort

	loadsMu sync.Mutex
	loads   int
	closed  bool
}

// NewSharedModels makes an empty set: each model loads when the first
// engine needs it.
func NewSharedModels() *SharedModels {
	return &SharedModels{nets: map[string]*DescriptorNet{}}
}

// Loads counts the models loaded so far (shape predictor, descriptor nets,
// cohort): however many engines use them, each loads once.
func (m *SharedModels) Loads() int {
	m.loadsMu.Lock()
	defer m.loadsMu.Unlock()
	return m.loads
}

func (m *SharedModels) loaded() error {
	m.loadsMu.Lock()
	defer m.loadsMu.Unlock()
	if m.closed {
		return errors.New("shared models are closed")
	}
	m.loads++
	return nil
}

// Aligner returns the shared aligner, loading the installed shape
// predictor (LocateLandmarkModel) the first time.
func (m *SharedModels) Aligner() (*Aligner, error) {
	m.alignerMu.Lock()
	defer m.alignerMu.Unlock()
	if m.aligner != nil {
		return m.aligner, nil
	}
	if err := m.loaded(); err != nil {
		return nil, err
	}
	a, err := loadAligner()
	if err != nil {
		return nil, err
	}
	m.aligner = a
	return a, nil
}

// Descriptors returns the shared descriptor net for a runtime and, unless
// withoutCohort, the cohort, loading each the first time.
func (m *SharedModels) Descriptors(runtime string, withoutCohort bool) (*DescriptorNet, *scorenorm.Cohort, error) {
	m.netMu.Lock()
	defer m.netMu.Unlock()
	p, err := models.Locate("descriptor")
	if err != nil {
		return nil, nil, err
	}
	if !withoutCohort && m.cohort == nil {
		if err := m.loaded(); err != nil {
			return nil, nil, err
		}
		if m.cohort, err = loadCohort(p); err != nil {
			return nil, nil, err
		}
	}
	net := m.nets[runtime]
	if net == nil {
		if err := m.loaded(); err != nil {
			return nil, nil, err
		}
		if net, err = NewDescriptorNet(p, NetOptions{Runtime: runtime}); err != nil {
			return nil, nil, err
		}
		m.nets[runtime] = net
	}
	if withoutCohort {
		return net, nil, nil
	}
	return net, m.cohort, nil
}

// Close releases the models; engines that use them must be closed first.
func (m *SharedModels) Close() error {
	m.loadsMu.Lock()
	m.closed = true
	m.loadsMu.Unlock()
	m.alignerMu.Lock()
	defer m.alignerMu.Unlock()
	m.netMu.Lock()
	defer m.netMu.Unlock()
	var errs []error
	if m.aligner != nil {
		errs = append(errs, m.aligner.Close())
		m.aligner = nil
	}
	for rt, n := range m.nets {
		errs = append(errs, n.Close())
		delete(m.nets, rt)
	}
	m.cohort = nil
	return errors.Join(errs...)
}

// loadAligner loads the installed shape predictor.
func loadAligner() (*Aligner, error) {
	sp, err := LocateLandmarkModel()
	if err != nil {
		return nil, err
	}
	return NewAligner(sp)
}

// loadAligner gives the engine its aligner (shared or its own).
func (e *Engine) loadAligner() error {
	var err error
	e.aligner, err = e.models.Aligner()
	return err
}

// loadDescriptors gives the engine its descriptor net and cohort (unless
// Options.WithoutCohort), shared or its own.
func (e *Engine) loadDescriptors() error {
	var err error
	e.descriptors, e.cohort, err = e.models.Descriptors(e.opts.Runtime, e.opts.WithoutCohort)
	return err
}
