package scan

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/doui-consent/doui/policyjson"
)

// Report is what a scan found. Its JSON form is the -json output.
type Report struct {
	// Pages are the pages scanned, in URL order.
	Pages    []string  `json:"pages"`
	Findings []Finding `json:"findings"`
	// Proposal is nil when there is nothing to add to the policy.
	Proposal *Proposal `json:"proposal,omitempty"`
	// Destinations is the 外部送信 view: every other site the pages sent
	// requests to, in any phase, with what the policy says is sent there.
	Destinations []Destination `json:"destinations"`
	// Skipped are the pages found but not scanned, and why.
	Skipped []Skip `json:"skipped,omitempty"`
	// Notes are what the reader should know about how the scan went.
	Notes []string `json:"notes,omitempty"`
	// Policy says where the policy came from.
	Policy string `json:"policy"`
	// Visits are the raw records, page by page, phase by phase.
	Visits []Visit `json:"visits"`

	fixed *policyjson.Policy
}

// Skip is a page found but not scanned.
type Skip struct {
	URL    string `json:"url"`
	Reason string `json:"reason"`
}

// Destination is one row of the 外部送信 view, in the policy's default
// language.
type Destination struct {
	Host     string `json:"host"`
	Service  string `json:"service,omitempty"`
	Category string `json:"category,omitempty"`
	Name     string `json:"name,omitempty"`
	Provider string `json:"provider,omitempty"`
	// Sent is what the policy says goes there; empty when the policy does
	// not list the host, or lists no transmissions for its service.
	Sent     []Sent  `json:"sent,omitempty"`
	Declared bool    `json:"declared"`
	Phases   []Phase `json:"phases"`
	Pages    int     `json:"pages"`

	pages map[string]bool
}

// Sent is one transmission the policy declares.
type Sent struct {
	Data      string `json:"data"`
	Recipient string `json:"recipient"`
	Purpose   string `json:"purpose"`
}

// Failed reports whether the scan found a leak or anything undeclared:
// the exit status 1 of doui scan.
func (r *Report) Failed() bool {
	return slices.ContainsFunc(r.Findings, func(f Finding) bool {
		return f.Kind == KindLeak || f.Kind == KindUndeclaredHost || f.Kind == KindUndeclaredCookie
	})
}

// FixedPolicy returns the policy with the proposal applied, as a policy
// file (the -fix output).
func (r *Report) FixedPolicy() ([]byte, error) {
	if r.fixed == nil {
		return nil, fmt.Errorf("no policy to write")
	}
	return policyjson.Marshal(r.fixed)
}

// WriteJSON writes the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteText writes the report for a person: one finding a line, most
// serious first, then the 外部送信 view, the proposal, what was skipped
// and a summary line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	if len(r.Destinations) > 0 {
		fmt.Fprintf(&b, "\n外部送信 (external transmissions): the %d other sites the pages sent requests to\n", len(r.Destinations))
		width := 0
		for _, d := range r.Destinations {
			width = max(width, len(d.Host))
		}
		for _, d := range r.Destinations {
			fmt.Fprintf(&b, "  %-*s  %s  [%s; %s]\n", width, d.Host, d.describe(), joinPhases(d.Phases), pagesCount(d.Pages))
		}
	}
	if p := r.Proposal; p != nil && len(p.Changes) > 0 {
		b.WriteString("\nproposal (-fix FILE writes the policy with it):\n")
		for _, c := range p.Changes {
			fmt.Fprintf(&b, "  %s\n", c)
		}
		if p.Placeholders > 0 {
			fmt.Fprintf(&b, "  %d texts to write: search the file for %q and 要確認（doui scan）\n", p.Placeholders, PlaceholderMark)
		}
	}
	if len(r.Skipped) > 0 {
		b.WriteString("\nnot scanned:\n")
		for _, s := range r.Skipped {
			fmt.Fprintf(&b, "  %s: %s\n", s.URL, s.Reason)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", r.summary())
	_, err := io.WriteString(w, b.String())
	return err
}

// summary is the last line: pages, visits and findings by kind.
func (r *Report) summary() string {
	visits := 0
	for _, v := range r.Visits {
		if v.Skipped == "" {
			visits++
		}
	}
	counts := map[string]int{}
	for _, f := range r.Findings {
		counts[f.Kind]++
	}
	var parts []string
	for _, k := range []string{KindLeak, KindUndeclaredHost, KindUndeclaredCookie, KindUnmarkedTag, KindUnseen} {
		if n := counts[k]; n > 0 {
			name := strings.ReplaceAll(k, "-", " ")
			if n > 1 && k != KindUnseen {
				name += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, name))
		}
	}
	verdict := "ok"
	if r.Failed() {
		verdict = "FAIL"
	}
	found := "nothing leaks, nothing undeclared, nothing unseen"
	if len(parts) > 0 {
		found = strings.Join(parts, ", ")
	}
	return fmt.Sprintf("%s: %s scanned (%d visits) against %s: %s", verdict, pagesCount(len(r.Pages)), visits, r.Policy, found)
}

// String formats a finding as one line:
// PAGE: KIND PHASE: WHAT (CATEGORY, SERVICE): DETAIL; started by SOURCE.
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(cmp.Or(f.Page, "policy"))
	b.WriteString(": ")
	b.WriteString(f.Kind)
	if f.Phase != "" {
		b.WriteString(" " + string(f.Phase))
	}
	b.WriteString(": ")
	switch {
	case f.Host != "":
		b.WriteString("host " + f.Host)
	case f.Cookie != "":
		b.WriteString("cookie " + f.Cookie)
	case f.Service != "":
		b.WriteString("service " + f.Service)
	}
	var owner []string
	if f.Category != "" {
		owner = append(owner, "category "+f.Category)
	}
	if f.Service != "" && (f.Host != "" || f.Cookie != "") {
		owner = append(owner, "service "+f.Service)
	}
	if len(owner) > 0 {
		b.WriteString(" (" + strings.Join(owner, ", ") + ")")
	}
	if f.Kind == KindUnmarkedTag && f.Source != "" {
		b.WriteString(" at " + f.Source)
	}
	if f.Detail != "" {
		b.WriteString(": " + f.Detail)
	}
	if f.Kind != KindUnmarkedTag && f.Source != "" {
		b.WriteString("; started by " + f.Source)
	}
	return b.String()
}

func (d Destination) describe() string {
	if !d.Declared {
		return "not in the policy"
	}
	s := fmt.Sprintf("%s (service %s, category %s)", cmp.Or(d.Name, d.Service), d.Service, d.Category)
	if d.Provider != "" {
		s += ", run by " + d.Provider
	}
	for _, t := range d.Sent {
		s += fmt.Sprintf("; sent to %s: %s, for %s", t.Recipient, t.Data, t.Purpose)
	}
	if len(d.Sent) == 0 && d.Provider != "" {
		s += "; the policy says nothing of what is sent"
	}
	return s
}

func joinPhases(ps []Phase) string {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b Phase) int { return cmp.Compare(phaseOrder[a], phaseOrder[b]) })
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return strings.Join(out, ", ")
}

// destinations fills in the 外部送信 rows from the policy, in its default
// language.
func (a *analysis) destinations() []Destination {
	p := a.idx.policy
	lang := p.Site.DefaultLanguage
	out := []Destination{}
	for _, d := range sortedValues(a.dests) {
		row := *d
		row.Pages = len(d.pages)
		row.Phases = slices.Clone(d.Phases)
		slices.SortFunc(row.Phases, func(x, y Phase) int { return cmp.Compare(phaseOrder[x], phaseOrder[y]) })
		if o, ok := a.idx.host(d.Host); ok {
			row.Declared, row.Service, row.Category = true, o.Service, o.Category
			row.Name, row.Provider = p.Text(o.svc.Name, lang), p.Text(o.svc.Provider, lang)
			for _, t := range o.svc.Transmissions {
				row.Sent = append(row.Sent, Sent{Data: p.Text(t.Data, lang), Recipient: p.Text(t.Recipient, lang), Purpose: p.Text(t.Purpose, lang)})
			}
		}
		out = append(out, row)
	}
	return out
}
