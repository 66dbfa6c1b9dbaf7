package casefile

import (
	"os"
	"syscall"
)

// fileStamp is what any write to a file changes.
type fileStamp struct {
	Dev   uint64 `json:"dev"`
	Ino   uint64 `json:"ino"`
	Size  int64  `json:"size"`
	Ctime int64  `json:"ctime_ns"`
	Mtime int64  `json:"mtime_ns"`
}

// stampOf is the stamp of the file at path (ok false when it cannot be
// had).
func stampOf(path string) (fileStamp, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileStamp{}, false
	}
	return fileStamp{Dev: uint64(st.Dev), Ino: st.Ino, Size: st.Size,
		Ctime: st.Ctim.Sec*1e9 + st.Ctim.Nsec, Mtime: st.Mtim.Sec*1e9 + st.Mtim.Nsec}, true
}
