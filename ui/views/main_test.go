package views

import (
	"os"
	"testing"
	"time"

	"facecase/ui/async"
)

func TestMain(m *testing.M) {
	// Golden images show local times: pin the zone.
	time.Local = time.UTC
	async.SerialiseForTests()
	os.Exit(m.Run())
}
