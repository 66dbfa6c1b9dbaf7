package views

import (
	"context"
	"errors"
	"image"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"facecase/media"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

// playerFrameBuffers is how many RGBA frames the player cycles through: one
// shown, one on its way to the UI, one being converted.
const playerFrameBuffers = 3

// shownFrame is a decoded frame ready for the screen.
type shownFrame struct {
	Index int
	Time  time.Duration
	Scene widgets.Scene
}

// playerCommand is what the controls ask the player to do.
type playerCommand struct {
	kind  int // cmdPlay, cmdPause, cmdSeek, cmdStep
	frame int // seek target, or step direction (+1, -1)
}

const (
	cmdPlay = iota
	cmdPause
	cmdSeek
	cmdStep
)

// PlayerStats count what the player did.
type PlayerStats struct {
	// Shown frames reached the screen; Dropped were decoded but skipped
	// because playback was behind or the screen still busy.
	Shown, Dropped int64
}

// player decodes a video on its own goroutine, paced by the frames'
// timestamps, converts frames to RGBA and hands them, with their overlay,
// to show (which posts them to the UI). It drops frames rather than fall
// behind, and never has more than one frame on its way to the UI.
type player struct {
	src     media.Source
	overlay func(f media.Frame) widgets.Scene // faces and paths of a frame (player goroutine)
	show    func(f shownFrame, shown func())  // must call shown once the frame is on screen
	ended   func(err error)                   // playback stopped at the end or on an error

	cmds    chan playerCommand
	ready   chan struct{} // a token: the UI has taken the last frame
	cancel  context.CancelFunc
	done    chan struct{}
	bufs    [playerFrameBuffers]*image.RGBA
	next    int
	current atomic.Int64
	at      time.Duration // time of the frame last presented (player goroutine)

	shown, dropped atomic.Int64
	// unpaced plays as fast as frames can be shown, for measuring the
	// viewer's throughput.
	unpaced atomic.Bool
}

func startPlayer(ctx context.Context, src media.Source, overlay func(media.Frame) widgets.Scene,
	show func(shownFrame, func()), ended func(error)) *player {
	ctx, cancel := context.WithCancel(ctx)
	p := &player{src: src, overlay: overlay, show: show, ended: ended,
		cmds: make(chan playerCommand, 8), ready: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	p.ready <- struct{}{}
	go p.run(ctx)
	return p
}

// Play, Pause, Seek and Step queue a command (any goroutine).
func (p *player) Play()          { p.command(playerCommand{kind: cmdPlay}) }
func (p *player) Pause()         { p.command(playerCommand{kind: cmdPause}) }
func (p *player) Seek(frame int) { p.command(playerCommand{kind: cmdSeek, frame: frame}) }
func (p *player) Step(dir int)   { p.command(playerCommand{kind: cmdStep, frame: dir}) }

func (p *player) command(c playerCommand) {
	select {
	case p.cmds <- c:
	case <-p.done:
	}
}

// Stats reports frames shown and dropped so far.
func (p *player) Stats() PlayerStats {
	return PlayerStats{Shown: p.shown.Load(), Dropped: p.dropped.Load()}
}

// Close stops the player and closes the source.
func (p *player) Close() {
	p.cancel()
	<-p.done
	p.src.Close()
}

func (p *player) run(ctx context.Context) {
	defer close(p.done)
	playing := false
	var clock playClock
	frameDur := time.Second / 25
	if fps := p.src.Info().FPS; fps > 0 {
		frameDur = time.Duration(float64(time.Second) / fps)
	}
	// The first frame is shown at once.
	if f, err := p.src.Next(ctx); err == nil {
		p.present(ctx, f, true)
	} else {
		p.stop(err)
	}
	for {
		c, ok := p.nextCommand(ctx, playing)
		if !ok {
			return
		}
		switch c.kind {
		case cmdPlay:
			playing = true
			clock.reset(p.at)
			continue
		case cmdPause:
			playing = false
			continue
		case cmdSeek, cmdStep:
			if c.kind == cmdStep {
				playing = false
			}
			at, shown, stopped := p.seek(ctx, c)
			if stopped {
				playing = false
			}
			if shown {
				clock.reset(at)
			}
			continue
		}
		if !p.playNext(ctx, clock, frameDur) {
			if ctx.Err() != nil {
				return
			}
			playing = false
		}
	}
}

// playClock maps media time to wall time while playing.
type playClock struct {
	start time.Time     // when the frame at media time media was due
	media time.Duration // media time at start
}

// reset makes media time t due now.
func (c *playClock) reset(t time.Duration) { c.start, c.media = time.Now(), t }

// due is when the frame at media time t is due.
func (c playClock) due(t time.Duration) time.Time { return c.start.Add(t - c.media) }

// nextCommand waits for the next command, or, while playing, takes one if
// there is one and else gives a command of kind -1 (play on). ok is false
// when ctx ended.
func (p *player) nextCommand(ctx context.Context, playing bool) (c playerCommand, ok bool) {
	if playing {
		select {
		case c = <-p.cmds:
		case <-ctx.Done():
			return c, false
		default:
			c.kind = -1
		}
		return c, true
	}
	select {
	case c = <-p.cmds:
		return c, true
	case <-ctx.Done():
		return c, false
	}
}

// seek carries out a seek or step command and shows its frame, at its
// media time at. shown is false when no frame was shown; stopped is set
// when reading failed (playback stops then).
func (p *player) seek(ctx context.Context, c playerCommand) (at time.Duration, shown, stopped bool) {
	target := c.frame
	if c.kind == cmdStep {
		target = int(p.current.Load()) + c.frame
		if c.frame > 0 {
			target = -1 // the next frame is simply the next one read
		}
	}
	if target >= 0 {
		if err := p.src.Seek(ctx, target); err != nil {
			return 0, false, false
		}
	}
	f, err := p.src.Next(ctx)
	if err != nil {
		p.stop(err)
		return 0, false, true
	}
	p.present(ctx, f, true)
	return f.Time, true, false
}

// playNext reads the next frame and shows it when clock says it is due (at
// once when unpaced); a frame more than frameDur late is dropped. It
// returns false when playback ends: reading failed (the source ran out),
// or ctx ended.
func (p *player) playNext(ctx context.Context, clock playClock, frameDur time.Duration) bool {
	f, err := p.src.Next(ctx)
	if err != nil {
		p.stop(err)
		return false
	}
	if p.unpaced.Load() {
		p.present(ctx, f, true)
		return true
	}
	due := clock.due(f.Time)
	if late := time.Since(due); late > frameDur {
		f.Close()
		p.current.Store(int64(f.Index))
		p.at = f.Time
		p.dropped.Add(1)
		return true
	}
	if wait := time.Until(due); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return false
		}
	}
	p.present(ctx, f, false)
	return true
}

// present converts a frame and posts it; when the UI has not taken the
// previous frame yet it drops this one, unless must is set (a seek or a
// step must show its frame).
func (p *player) present(ctx context.Context, f media.Frame, must bool) {
	defer f.Close()
	p.current.Store(int64(f.Index))
	p.at = f.Time
	if must {
		select {
		case <-p.ready:
		case <-ctx.Done():
			return
		}
	} else {
		select {
		case <-p.ready:
		default:
			p.dropped.Add(1)
			return
		}
	}
	buf, err := session.ToRGBA(f.Mat, p.bufs[p.next])
	if err != nil {
		p.ready <- struct{}{}
		return
	}
	p.bufs[p.next] = buf
	p.next = (p.next + 1) % playerFrameBuffers
	scene := p.overlay(f)
	scene.Image = buf
	var once sync.Once
	p.show(shownFrame{Index: f.Index, Time: f.Time, Scene: scene}, func() {
		once.Do(func() {
			p.shown.Add(1)
			p.ready <- struct{}{}
		})
	})
}

func (p *player) stop(err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	if errors.Is(err, io.EOF) {
		err = nil
	}
	if p.ended != nil {
		p.ended(err)
	}
}
