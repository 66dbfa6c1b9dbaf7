//go:build linux && cgo

// Package arenaprobe counts glibc's malloc arenas and makes threads that
// each want one, for arenacap's tests. Only tests import it.
package arenaprobe

/*
#cgo LDFLAGS: -lpthread
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_barrier_t fc_all_allocated;

static void *fc_allocate(void *arg) {
	(void)arg;
	void *volatile p = malloc(1024); // volatile: the compiler may not drop the pair
	pthread_barrier_wait(&fc_all_allocated); // every thread holds a block at once
	free(p);
	return NULL;
}

// fc_spawn starts n threads that each allocate while all are alive, and
// joins them; it returns 0 on success.
static int fc_spawn(int n) {
	pthread_t *t = calloc(n, sizeof(pthread_t));
	if (t == NULL || pthread_barrier_init(&fc_all_allocated, NULL, n) != 0) {
		free(t);
		return -1;
	}
	int started = 0, rc = 0;
	for (; started < n; started++) {
		if (pthread_create(&t[started], NULL, fc_allocate, NULL) != 0) {
			rc = -1;
			break;
		}
	}
	if (rc != 0) {
		// The barrier can never open: the started threads are stuck; report it.
		free(t);
		return rc;
	}
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
	}
	pthread_barrier_destroy(&fc_all_allocated);
	free(t);
	return 0;
}

// fc_count_heaps counts the arenas malloc_info reports (one <heap nr=...>
// element each), or -1.
static int fc_count_heaps(void) {
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL) {
		return -1;
	}
	if (malloc_info(0, f) != 0) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	int n = 0;
	for (char *p = buf; (p = strstr(p, "<heap nr=")) != NULL; p++) {
		n++;
	}
	free(buf);
	return n;
}
*/
import "C"

import "errors"

// SpawnAllocators starts n threads that each allocate from the C heap
// while all n are alive, so that each wants an arena, and waits for them.
func SpawnAllocators(n int) error {
	if C.fc_spawn(C.int(n)) != 0 {
		return errors.New("spawn allocating threads: pthread failed")
	}
	return nil
}

// Arenas counts the C allocator's arenas.
func Arenas() (int, error) {
	n := int(C.fc_count_heaps())
	if n < 0 {
		return 0, errors.New("count arenas: malloc_info failed")
	}
	return n, nil
}
