// A stand-in for Meta's fbevents.js: runs the fbq queue, sets _fbp on the
// site and sends each event to www.facebook.com/tr.
(function () {
  var f = window.fbq, id = '';
  if (!f) return;
  function send(ev) {
    document.cookie = '_fbp=fb.1.1700000000000.1234567890; path=/; max-age=' + 90 * 86400;
    new Image().src = 'https://www.facebook.com/tr?id=' + id + '&ev=' + encodeURIComponent(ev);
  }
  function cmd(a) {
    if (a[0] == 'init') id = a[1];
    if (a[0] == 'track') send(a[1]);
  }
  for (var i = 0; i < f.queue.length; i++) cmd(f.queue[i]);
  f.callMethod = function () { cmd(arguments); };
})();
