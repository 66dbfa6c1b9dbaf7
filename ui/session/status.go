package session

// State is where an evidence file stands in this run of the app.
type State string

// States of an evidence file.
const (
	// StateQueued: waiting in a batch.
	StateQueued State = "queued"
	// StateAdding: being hashed and copied into the case.
	StateAdding State = "adding"
	// StateAnalysing: faces (and tracks) are being found.
	StateAnalysing State = "analysing"
	// StateDone: analysed; Detail says what was found.
	StateDone State = "done"
	// StateFailed: not added or not analysed; Detail says why. The rest
	// of the batch carries on.
	StateFailed State = "failed"
	// StateStored: in the case from an earlier run.
	StateStored State = "stored"
	// StateSkipped: not a photo or video; left out of the case (Detail
	// names its type). Intake summaries list these, the case does not.
	StateSkipped State = "skipped"
	// StateDuplicate: the same content is already evidence (Duplicate
	// names it); nothing was added, the original is left as it was.
	StateDuplicate State = "duplicate"
)

// ItemStatus is the state of one file of a batch or of the case.
type ItemStatus struct {
	// Path is the file as given (for a batch) or the working copy.
	Path string
	// EvidenceID is 0 until the file is evidence in the case.
	EvidenceID uint64
	State      State
	// Detail is what was found ("3 faces, 2 tracks") or why it failed.
	Detail string
	// Fraction is the analysis progress in [0, 1], or -1 when unknown.
	Fraction float64
	// Duplicate is the evidence item a StateDuplicate file repeats.
	Duplicate uint64
}

// ItemStatus returns the state of an evidence item in this run; items not
// touched in this run are StateStored.
func (s *Session) ItemStatus(evidenceID uint64) ItemStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.status[evidenceID]; ok {
		return st
	}
	return ItemStatus{EvidenceID: evidenceID, State: StateStored, Fraction: -1}
}

func (s *Session) setStatus(st ItemStatus) {
	if st.EvidenceID == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status[st.EvidenceID] = st
}
