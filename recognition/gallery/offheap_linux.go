package gallery

import "syscall"

// madvHugepage is MADV_HUGEPAGE: back the memory with huge pages when the
// system's transparent huge pages allow it.
const madvHugepage = 14

// allocOffHeap maps n bytes of anonymous memory, asks for huge pages, and
// returns the function that unmaps it; if the map fails it returns heap
// memory and no function.
func allocOffHeap(n int) ([]byte, func([]byte)) {
	if n == 0 {
		return nil, nil
	}
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return make([]byte, n), nil
	}
	_ = syscall.Madvise(b, madvHugepage) // only a hint: ordinary pages work too
	return b, func(b []byte) { _ = syscall.Munmap(b) }
}
