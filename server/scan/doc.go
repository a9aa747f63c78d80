// Package scan is "doui scan": it proves a site's policy true, where
// "doui check" proves it well-formed. It owns the crawl of a site in a
// headless Chromium, what the browser records on each page, the findings
// held against the policy, the table of well-known services, the proposed
// additions to the policy and the report (text, JSON and the 外部送信
// view of every destination seen).
//
// # What a scan does
//
// From the start URLs it visits same-origin pages, found through links and
// the site's sitemap.xml, that robots.txt allows, up to a page limit, a few
// tabs at a time. Every page is visited three times, each in a fresh
// browser context (no cookies, no storage, no cache):
//
//   - before-choice: the page loads and settles; nobody clicks.
//   - after-reject: the same, then a real click on doui's "reject all".
//   - after-accept: the same, then a real click on doui's "accept all".
//
// A page without doui's banner has only the first visit, and the report
// says so. Each visit records every request to another site (host, URL
// without its query, resource type and what started it), every cookie in
// the browser context when it settles, the keys of localStorage and
// sessionStorage, and the elements doui still holds back. The clicks are
// trusted input events: doui ignores el.click() for a choice.
//
// # What it finds
//
// Hosts and cookies are matched against the policy the way the browser
// matches them: a host pattern covers the host and its subdomains, as the
// loader's host blocker and [banner.URLCategory] do, and cookies go through
// [banner.MatchCookie] and [banner.CookieTargets]. Then:
//
//   - leak: a host or cookie of an optional category (or of nothing in the
//     policy) seen before any choice or after "reject all";
//   - undeclared-host, undeclared-cookie: seen after "accept all", not in
//     the policy;
//   - unmarked-tag: a tracker written in the page's HTML without doui's
//     markup, which the preload scanner may fetch before the loader runs;
//   - unseen: declared in the policy but never seen (informational).
//
// For what is undeclared it proposes policy entries, recognising the
// services of known.json (each entry cites the vendor's documentation) and
// leaving the rest under an "unknown" category for the admin to decide.
//
// # Cost
//
// A scan runs one Chromium for its whole length; each visit opens and
// disposes of one browser context. On a 2-core machine a page takes a few
// seconds (three loads, the engine's start after each click, and the
// network settling each time); BenchmarkScanDemo reports pages per minute.
package scan
