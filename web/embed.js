// doui embed placeholders: fetched by the loader (doui.js) only for a page
// that has a held iframe, so that every other page's doui.js is smaller.
// It builds, in each held frame's own box (its size, on its line: nothing
// moves), a notice naming what the frame is and who provides it, with a
// button that allows its category and a link to the provider's policy, in
// the language of the file (the server writes one per language and fills
// in T, its texts). It installs window.__doui.frames, which the loader
// calls again for frames added later. The button's click is the loader's
// (data-doui-action="allow"); b.doui marks it as doui's own, which markup
// cannot forge.
(function (w, d, T) {
  var st = w.__doui, lang = T.lang;
  (st.frames = function () {
    d.querySelectorAll('iframe[data-consent]:not([data-doui-ph],[data-doui-done])').forEach(function (f) {
      var c = f.getAttribute('data-consent'), h, p, b;
      if (st.granted && st.granted.indexOf(c) >= 0) return;
      try { h = new URL(f.getAttribute('data-src'), location.href).hostname; } catch (e) { h = ''; }
      h = (T['host:' + h] || h + '\0').split('\0'); // label, privacy URL
      p = d.createElement('div');
      p.className = 'doui doui-ph';
      p.setAttribute('data-doui', 'placeholder');
      p.lang = lang;
      p.style.width = f.offsetWidth + 'px';
      p.style.height = f.offsetHeight + 'px';
      p.appendChild(d.createElement('p')).textContent = T.embedText.split('{provider}').join(h[0]);
      b = p.appendChild(d.createElement('button'));
      b.type = 'button';
      b.className = 'doui-btn';
      b.setAttribute('data-doui-action', 'allow');
      b.setAttribute('data-doui-category', c);
      b.doui = 1;
      b.textContent = T.embedAllow.replace('{category}', T['cat:' + c]);
      if (h[1]) {
        b = p.appendChild(d.createElement('a'));
        b.href = h[1];
        b.rel = 'noopener';
        b.textContent = T.privacyPolicy;
      }
      f.setAttribute('data-doui-ph', 1);
      f.hidden = true;
      f.before(p);
    });
  })();
})(window, document, /*DOUI*/{});
