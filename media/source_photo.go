package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"facecase/internal/fsutil"

	"gocv.io/x/gocv"
)

// photoSource is a photo as a one-frame source.
type photoSource struct {
	mu        sync.Mutex
	info      Info
	mat       gocv.Mat
	delivered bool
	count     int
	closed    bool
}

func openPhoto(path string) (Source, error) {
	m, err := LoadImage(path)
	if err != nil {
		// Photo errors also match the source sentinels.
		switch {
		case errors.Is(err, ErrCorruptImage):
			err = fmt.Errorf("%w: %w", ErrCorrupt, err)
		case errors.Is(err, ErrUnsupportedFormat):
			err = fmt.Errorf("%w: %w", ErrUnsupported, err)
		}
		return nil, err
	}
	head, _ := readHead(path)
	format, _ := SniffImageFormat(head)
	return &photoSource{
		info: Info{
			URI: path, Kind: KindPhoto, Container: string(format),
			Width: m.Cols(), Height: m.Rows(), FrameCount: 1, Seekable: true,
		},
		mat: m,
	}, nil
}

// Info describes the photo.
func (p *photoSource) Info() Info { return p.info }

// Next returns a copy of the photo once, then io.EOF.
func (p *photoSource) Next(ctx context.Context) (Frame, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		return Frame{}, ErrClosed
	case ctx.Err() != nil:
		return Frame{}, ctx.Err()
	case p.delivered:
		return Frame{}, io.EOF
	}
	p.delivered = true
	p.count++
	return Frame{Index: 0, Width: p.mat.Cols(), Height: p.mat.Rows(), Mat: p.mat.Clone()}, nil
}

// Seek to frame 0 delivers the photo again.
func (p *photoSource) Seek(ctx context.Context, index int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	if index != 0 {
		return fmt.Errorf("seek %s to frame %d: a photo has only frame 0", fsutil.ShowPath(p.info.URI), index)
	}
	p.delivered = false
	return nil
}

// Stats counts the times the photo was delivered.
func (p *photoSource) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Stats{Delivered: p.count}
}

// Close releases the decoded photo.
func (p *photoSource) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		p.mat.Close()
	}
	return nil
}
