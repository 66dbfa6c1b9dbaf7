package casefile

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
)

// asDiskFull marks an error caused by a full disk with ErrDiskFull. bbolt
// reports some of these as text only, so the messages are matched too.
func asDiskFull(err error) error {
	if err == nil || errors.Is(err, ErrDiskFull) {
		return err
	}
	full := errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EFBIG) || errors.Is(err, syscall.EDQUOT)
	if !full {
		msg := err.Error()
		for _, s := range []string{syscall.ENOSPC.Error(), syscall.EFBIG.Error(), syscall.EDQUOT.Error()} {
			full = full || strings.Contains(msg, s)
		}
	}
	if !full {
		return err
	}
	return fmt.Errorf("%w (%v)", ErrDiskFull, err)
}
