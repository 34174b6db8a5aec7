// The response page's only script (response-page.ts): the page works without it. It solves the
// proof of work when the server asks for one (SHA-256 in plain JS, since crypto.subtle needs a
// secure context a self-hosted instance may not have), keeps a form from being sent twice, and
// sends the e-mail's one-click score.
/* global window, document */
(function () {
  'use strict';
  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ];
  var W = new Int32Array(64);

  // SHA-256 of an ASCII string (challenges and counters are ASCII); returns the first word.
  function firstWord(text) {
    var n = text.length;
    var words = ((n + 9 + 63) >> 6) << 4;
    var m = new Int32Array(words);
    for (var i = 0; i < n; i++) m[i >> 2] |= text.charCodeAt(i) << (24 - (i & 3) * 8);
    m[n >> 2] |= 0x80 << (24 - (n & 3) * 8);
    m[words - 1] = n * 8;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a, h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (var off = 0; off < words; off += 16) {
      var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
      for (var t = 0; t < 64; t++) {
        if (t < 16) W[t] = m[off + t];
        else {
          var x = W[t - 15], y = W[t - 2];
          W[t] = (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + W[t - 7] + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) + W[t - 16];
        }
        var t1 = h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[t] + W[t];
        var t2 = (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0; h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    return h0 >>> 0;
  }

  // The server's rule: SHA-256(challenge + ':' + n) starts with `bits` zero bits (at most 32 here).
  function solve(challenge, bits, done) {
    var n = 0;
    var limit = bits >= 32 ? 0 : Math.pow(2, 32 - bits);
    (function batch() {
      for (var end = n + 20000; n < end; n++) {
        if (firstWord(challenge + ':' + n) < limit) return done(challenge + ':' + n);
      }
      setTimeout(batch, 0);
    })();
  }

  // Back from the next page (the browser's page cache), the button must work again.
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('button[type=submit]').forEach(function (button) { button.disabled = false; });
  });

  document.querySelectorAll('form.step').forEach(function (form) {
    var proof = null;
    var waiting = false;
    var challenge = form.getAttribute('data-pow');
    var note = form.querySelector('.checking');
    if (challenge) {
      solve(challenge, Number(form.getAttribute('data-bits')), function (found) {
        proof = found;
        form.elements.pow.value = found;
        if (note) note.hidden = true;
        if (waiting) form.submit();
      });
    }
    form.addEventListener('submit', function (event) {
      var button = form.querySelector('button[type=submit]');
      if (challenge && !proof) {
        event.preventDefault();
        waiting = true;
        if (note) note.hidden = false;
      }
      if (button) button.disabled = true;
    });
    // The e-mail's one-click: the score chosen in the mail is sent now, from a browser that runs
    // this script, rather than saved by the link's GET, which mail scanners fetch too. Not again
    // when the page comes back by Back or a reload: the respondent is then choosing by hand.
    var navigation = window.performance && performance.getEntriesByType ? performance.getEntriesByType('navigation')[0] : null;
    if (form.hasAttribute('data-send-now') && (!navigation || navigation.type === 'navigate')) {
      if (form.requestSubmit) form.requestSubmit();
      else if (challenge && !proof) { waiting = true; if (note) note.hidden = false; }
      else form.submit();
    }
  });
})();
