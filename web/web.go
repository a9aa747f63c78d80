// Package web holds doui's static assets, embedded in the doui binary: the
// loader source with the scripts it fetches (embed placeholders, language
// files), the banner CSS and markup templates, the demo pages, the example
// policies with their JSON Schema, and (after `make wasm`) the built
// wasm module with Go's wasm_exec.js glue in dist/.
package web

import "embed"

// FS is every asset, read-only.
//
//go:embed loader.js embed.js lang.js start.js doui.css templates pages policies policy.schema.json all:dist
var FS embed.FS
