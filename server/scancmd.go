package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/doui-consent/doui/server/scan"
)

// runScan is "doui scan" (package scan): an interrupt stops the browser
// and ends the scan with status 2.
func runScan(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return scan.Command(ctx, args, stdout, stderr)
}
