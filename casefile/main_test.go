package casefile

import (
	"fmt"
	"os"
	"testing"

	"facecase/internal/testenv"
)

// childEnv makes the test binary act as a child process for the crash and
// full-disk tests instead of running tests (see crashChild, fillChild).
const childEnv = "FACECASE_CASEFILE_CHILD"

func TestMain(m *testing.M) {
	switch mode := os.Getenv(childEnv); mode {
	case "":
		// Remembered checks and receipt keys go to folders of the test
		// run, not the user's (children inherit them).
		cleanup, err := testenv.IsolateUserDirs()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		code := m.Run()
		cleanup()
		if bigCaseDir != "" {
			os.RemoveAll(bigCaseDir)
		}
		os.Exit(code)
	case "intake":
		os.Exit(crashChild(false))
	case "resume":
		os.Exit(crashChild(true))
	case "fill":
		os.Exit(fillChild())
	case "tmpfs":
		os.Exit(tmpfsChild())
	case "readonly":
		os.Exit(readOnlyChild())
	default:
		fmt.Fprintf(os.Stderr, "unknown child mode %q\n", mode)
		os.Exit(2)
	}
}
