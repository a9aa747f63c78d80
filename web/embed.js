// doui embed placeholders: fetched by the loader (doui.js) only for a page
// that has a held iframe, so that every other page's doui.js is smaller.
// It builds, in each held frame's own box (its size, on its line: nothing
// moves), a notice naming what the frame is and who provides it, with a
// button that allows its category and a link to the provider's policy. The
// names and the link are those of the preferences in doui.js's markup (the
// service's line, found by its data-doui-hosts; the category's label), so
// this file carries only its two sentences, in its language (the server
// writes one per language and fills in T). After a language switch, the
// sentences of the new language come with the language file (st.E, web/
// lang.js), which builds the placeholders again. It installs
// window.__doui.frames, which the loader calls again for frames added
// later. The button's click is the loader's (data-doui-action="allow");
// b.doui marks it as doui's own, which markup cannot forge.
(function (w, d, T) {
  var st = w.__doui;
  (st.frames = function () {
    var t = st.E && st.E[st.lang] || T;
    d.querySelectorAll('iframe[data-consent]:not([data-doui-ph],[data-doui-done])').forEach(function (f) {
      var c = f.getAttribute('data-consent'), r = st.root, h, s, p, b;
      if ((st.granted || []).includes(c)) return;
      try { h = new URL(f.getAttribute('data-src'), location.href).hostname; } catch (e) { h = ''; }
      s = r.querySelector('[data-doui-hosts~="' + CSS.escape(h) + '"]');
      p = d.createElement('div');
      p.className = 'doui doui-ph';
      p.dataset.doui = 'placeholder';
      p.lang = t.l;
      p.style.width = f.offsetWidth + 'px';
      p.style.height = f.offsetHeight + 'px';
      p.appendChild(d.createElement('p')).textContent = t.x.join(s ? s.firstChild.data.trim() : h);
      b = p.appendChild(d.createElement('button'));
      b.type = 'button';
      b.className = 'doui-btn';
      b.dataset.douiAction = 'allow';
      b.dataset.douiCategory = c;
      b.doui = 1;
      b.textContent = t.a.join(r.querySelector('[for="doui-c-' + c + '"]').textContent);
      if (s && (s = s.querySelector('a'))) p.appendChild(s.cloneNode(1));
      f.dataset.douiPh = 1;
      f.hidden = true;
      f.before(p);
    });
  })();
})(window, document, /*DOUI*/{});
