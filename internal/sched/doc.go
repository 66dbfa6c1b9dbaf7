// Package sched keeps the desktop app's interface thread ahead of its
// background work on a machine with few cores.
//
// Fyne draws and handles events on the process's main thread. Scans keep
// every other thread busy (Go workers and OpenCV's DNN pool); with the
// kernel sharing the cores evenly among them, a frame that needs 40 ms of
// CPU can take three or four times that on a 2-core laptop. Lowering the
// priority (raising the nice value) of every thread but the main one gives
// the interface first claim on a core without slowing the scan when the
// interface is idle. Threads that draw for the interface (Mesa's llvmpipe
// renderer) are named apart by the system and are left alone.
package sched
