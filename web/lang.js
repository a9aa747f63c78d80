// doui language file: one language's banner markup and texts, for a loader
// (doui.js) that does not carry that language. The loader fetches it when
// a page, or the visitor in the preferences, wants that language; the
// server writes one per language and fills in L. It also brings the
// language switch's markup update (morph), which only a page that shows a
// second language ever needs: doui.js stays smaller for every other page,
// and the embed placeholders' sentences in every language (L.e), so that
// placeholders follow a switch without a file of their own.
(function (d, st, L) {
  st.D.m[L.lang] = L.m;
  st.D.t[L.lang] = L.t;
  st.E = L.e;
  // The loader calls this on a switch, st.lang already the new language,
  // with its markup h (TrustedHTML where the page requires it) and the
  // switch t the visitor clicked, which keeps focus. doui's markup takes
  // the new words: they go into a copy of the root, whose own attributes
  // (class doui: every style) stay. The embed placeholders, outside it,
  // are built again in them (web/embed.js), each in its frame's box:
  // nothing moves.
  st.morph = function (h, t) {
    var n = st.root.cloneNode();
    n.innerHTML = h;
    morph(st.root, n);
    t.focus();
    if (st.frames) {
      d.querySelectorAll('[data-doui="placeholder"]').forEach(function (p) {
        var f = p.nextElementSibling;
        f.removeAttribute('data-doui-ph');
        f.hidden = false;
        p.remove();
      });
      st.frames();
    }
  };
  // morph gives o, and all it holds, the words and attributes of n: the
  // same markup in another language. Every element stays, so an open
  // dialog, ticked boxes, focus and where focus goes back on close stay as
  // they are; state attributes (hidden, open) are left alone.
  function morph(o, n) {
    var k = o.childNodes, i;
    if (o.nodeType == 3) return (o.data = n.data);
    for (i = o.attributes.length; i--;) if (!n.hasAttribute(k = o.attributes[i].name) && !/^(hidden|open)$/.test(k)) o.removeAttribute(k);
    for (i = 0; i < n.attributes.length; i++) if (!/^(hidden|open)$/.test(k = n.attributes[i].name)) o.setAttribute(k, n.attributes[i].value);
    k = o.childNodes;
    if (k.length != n.childNodes.length) return o.replaceChildren.apply(o, n.childNodes);
    for (i = 0; i < k.length; i++) morph(k[i], n.childNodes[i]);
  }
})(document, window.__doui, /*DOUI*/{});
