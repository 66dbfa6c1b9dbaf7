package views

import (
	"os"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	// Golden images show local times: pin the zone.
	time.Local = time.UTC
	os.Exit(m.Run())
}
