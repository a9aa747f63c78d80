package main

import (
	"encoding/json"
	"net/http"
	"sync"
)

// tracker is the demo's fake analytics service, served on a second origin
// so the demo shows what doui holds back. It behaves like a real tag: its
// script sets first-party _ga cookies and sends a beacon. It counts every
// request by path (/stats shows the counts).
type tracker struct {
	mu   sync.Mutex
	hits map[string]int
}

func newTracker() *tracker { return &tracker{hits: map[string]int{}} }

const trackerJS = `(function(){
var id=(document.currentScript&&new URL(document.currentScript.src).searchParams.get('id'))||'G-DOUIDEMO1';
var c=Math.floor(Math.random()*1e9)+'.'+Math.floor(Date.now()/1000);
document.cookie='_ga=GA1.1.'+c+'; path=/; max-age=63072000; samesite=lax';
document.cookie='_ga_'+id.replace(/^G-/,'')+'=GS1.1.'+c+'; path=/; max-age=63072000; samesite=lax';
new Image().src=new URL('/collect?tid='+encodeURIComponent(id)+'&dl='+encodeURIComponent(location.href),document.currentScript.src).href;
var s=document.getElementById('tracker-status');if(s)s.textContent='ON';
window.__trackerRuns=(window.__trackerRuns||0)+1;
})();`

func (t *tracker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/stats" {
		t.mu.Lock()
		body, _ := json.Marshal(t.hits)
		t.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Write(body)
		return
	}
	t.mu.Lock()
	t.hits[r.URL.Path]++
	t.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	switch r.URL.Path {
	case "/gtag/js", "/tracker.js":
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(trackerJS))
	case "/collect", "/g/collect":
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"))
	case "/embed":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><title>Video</title><body style="margin:0;display:grid;place-items:center;height:100vh;background:#111;color:#eee;font:16px sans-serif"><p>▶ Demo video (stands in for a YouTube embed)</p>`))
	default:
		http.NotFound(w, r)
	}
}
