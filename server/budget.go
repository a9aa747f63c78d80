package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/doui-consent/doui/policyjson"
)

// loaderBudget is DESIGN.md's budget for doui.js, brotli: the loader, the
// banner markup, the config and the CSS, which every visitor downloads
// before the banner can show.
const loaderBudget = 6 * 1000

// budgetWarning says, when b's doui.js is over loaderBudget, by how much,
// and which of the policy's texts take the most room in it; "" when it is
// within. rebuild builds the bundle for another policy the way b was built.
//
// An oversized policy is still served: it is valid, and refusing it would
// keep the previous policy in force, which is worse for a site than a slow
// banner. The warning goes to the log, /healthz and `doui check`.
//
// To find the texts it builds the bundle once more, with every text
// replaced by a numbered marker, and counts each marker in the loader: a
// text's room is its length times the times it appears there. That follows
// whatever the templates and the loader data use, without a list of fields
// to keep in step with them. It costs one more build, only over budget.
func budgetWarning(b *bundle, rebuild func(*policyjson.Policy) (*bundle, error)) (string, error) {
	size := len(b.loader.br)
	if b.loader.br == nil {
		size = len(b.loader.body)
	}
	if size <= loaderBudget {
		return "", nil
	}
	type text struct {
		path string
		len  int
	}
	var texts []text
	marker := func(i int) string { return "@@" + strconv.Itoa(i) + "@@" }
	marked := b.policy.MapTexts(func(path, s string) string {
		texts = append(texts, text{path, len(s)})
		return marker(len(texts) - 1)
	})
	m, err := rebuild(marked)
	if err != nil {
		return "", fmt.Errorf("measure doui.js: %w", err)
	}
	loader := string(m.loader.body)
	type room struct {
		path  string
		bytes int
	}
	var rooms []room
	for i, t := range texts {
		if n := strings.Count(loader, marker(i)); n > 0 && t.len > 0 {
			rooms = append(rooms, room{t.path, n * t.len})
		}
	}
	slices.SortStableFunc(rooms, func(a, b room) int { return b.bytes - a.bytes })
	var top []string
	for _, r := range rooms[:min(len(rooms), 5)] {
		// Texts a tenth the size of the largest are not what to shorten.
		if r.bytes*10 >= rooms[0].bytes {
			top = append(top, fmt.Sprintf("%s (%d bytes)", r.path, r.bytes))
		}
	}
	msg := fmt.Sprintf("doui.js is %d bytes brotli, %d over the %d-byte budget that every visitor downloads before the banner shows", size, size-loaderBudget, loaderBudget)
	if len(top) == 0 {
		return msg + "; no text of the policy stands out", nil
	}
	return msg + "; the texts that take the most room in it: " + strings.Join(top, ", ") +
		`. Shorten them: the full wording belongs in "sections", which only the /privacy page carries`, nil
}
