// fairrush live dashboard. Reads GET /api/v1/ops/live (Server-Sent Events) with fetch() so that the admin
// token travels in the Authorization header (EventSource cannot send headers; a token in the URL would end
// up in access logs and browser history). See docs/operations.md, "Live dashboard and its token".
(function () {
  'use strict';

  var TOKEN_KEY = 'fairrush.adminToken';
  var GROUPS = ['Campaigns', 'Fairs']; // always shown, in this order; other groups follow
  var EMPTY = { Campaigns: 'No campaign is open or about to open.', Fairs: 'No fair registration is open or about to open.' };
  var COLORS = { CREATED: '#15803d', WAITLISTED: '#2563eb', SOLD_OUT: '#6b7280', LIMIT_REACHED: '#a16207',
    BUSY: '#b91c1c', ERROR: '#7f1d1d', REPLAYED: '#7c3aed' };
  var HISTORY = 120;

  var $ = function (id) { return document.getElementById(id); };
  var history = [];
  var controller = null;
  var retryDelay = 1000;

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function showLogin(message) {
    if (controller) { controller.abort(); controller = null; }
    $('live').hidden = true;
    $('logout').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    setStatus('off', 'not connected');
  }

  function setStatus(kind, text) {
    var s = $('status');
    s.className = 'badge ' + kind;
    s.textContent = text;
  }

  function connect() {
    $('login').hidden = true;
    $('live').hidden = false;
    $('logout').hidden = false;
    setStatus('retry', 'connecting');
    controller = new AbortController();
    var mine = controller;
    fetch('/api/v1/ops/live', {
      headers: { Authorization: 'Bearer ' + token(), Accept: 'text/event-stream' },
      signal: mine.signal, cache: 'no-store'
    }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        sessionStorage.removeItem(TOKEN_KEY);
        showLogin(response.status === 401 ? 'The token was refused (expired or not valid).' : 'This token has no ADMIN role.');
        return;
      }
      if (!response.ok || !response.body) { throw new Error('HTTP ' + response.status); }
      setStatus('on', 'live');
      retryDelay = 1000;
      return readEvents(response.body.getReader(), function (event, data) {
        if (event === 'snapshot') { render(JSON.parse(data)); }
      }).then(function () { reconnect(mine); });
    }).catch(function (failure) {
      if (mine.signal.aborted) { return; }
      setStatus('retry', 'reconnecting (' + failure.message + ')');
      reconnect(mine);
    });
  }

  function reconnect(mine) {
    if (controller !== mine || !token()) { return; }
    setTimeout(function () { if (controller === mine) { connect(); } }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10000);
  }

  // A minimal text/event-stream parser: events are separated by a blank line; "event:" names them and
  // "data:" lines carry the payload.
  function readEvents(reader, onEvent) {
    var decoder = new TextDecoder();
    var buffer = '';
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) { return; }
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, '\n');
        var end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          var block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          var event = 'message', data = [];
          block.split('\n').forEach(function (line) {
            if (line.indexOf('event:') === 0) { event = line.slice(6).trim(); }
            else if (line.indexOf('data:') === 0) { data.push(line.slice(5).replace(/^ /, '')); }
          });
          if (data.length) { onEvent(event, data.join('\n')); }
        }
        return pump();
      });
    }
    return pump();
  }

  function fmt(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en'); }

  function render(frame) {
    $('instance').textContent = 'served by ' + frame.instance + ' · numbers of all instances';
    $('updated').textContent = new Date(frame.at).toLocaleTimeString();
    $('lag').textContent = frame.persister.lag === null ? 'unknown' : fmt(frame.persister.lag);
    $('stored-rate').textContent = fmt(frame.persister.storedPerSecond);
    var problem = $('problem');
    problem.hidden = !frame.problem;
    problem.textContent = frame.problem || '';
    renderOutcomes(frame);
    history.push(frame.outcomes || {});
    if (history.length > HISTORY) { history.shift(); }
    drawChart();
    renderGroups(frame.groups || []);
  }

  function renderOutcomes(frame) {
    var box = $('outcomes');
    box.textContent = '';
    var names = Object.keys(frame.totals || {});
    if (!names.length) { box.innerHTML = '<span class="empty">No claims yet.</span>'; }
    names.forEach(function (name) {
      var chip = document.createElement('span');
      chip.className = 'chip';
      chip.dataset.outcome = name;
      chip.innerHTML = '<i></i>' + name + ' <b data-field="rate"></b>/s · <b data-field="total"></b>';
      chip.querySelector('i').style.background = COLORS[name] || '#0891b2';
      chip.querySelector('[data-field="rate"]').textContent = fmt((frame.outcomes || {})[name] || 0);
      chip.querySelector('[data-field="total"]').textContent = fmt(frame.totals[name]);
      box.appendChild(chip);
    });
  }

  function drawChart() {
    var canvas = $('chart');
    var ratio = window.devicePixelRatio || 1;
    var width = canvas.clientWidth, height = canvas.clientHeight || 160;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    var g = canvas.getContext('2d');
    g.scale(ratio, ratio);
    g.clearRect(0, 0, width, height);
    var names = {};
    history.forEach(function (h) { Object.keys(h).forEach(function (n) { names[n] = true; }); });
    var max = 1;
    history.forEach(function (h) { Object.keys(h).forEach(function (n) { max = Math.max(max, h[n]); }); });
    var left = 34, bottom = height - 16, top = 8, right = width - 4;
    g.strokeStyle = '#e5e7eb'; g.fillStyle = '#6b7280'; g.font = '11px system-ui, sans-serif';
    [0, 0.5, 1].forEach(function (f) {
      var y = bottom - f * (bottom - top);
      g.beginPath(); g.moveTo(left, y); g.lineTo(right, y); g.stroke();
      g.fillText(String(Math.round(max * f)), 2, y + 4);
    });
    var span = Math.min(HISTORY, Math.max(30, history.length));
    g.fillText('last ' + span + ' s', left, height - 2);
    var step = (right - left) / (span - 1);
    Object.keys(names).forEach(function (name) {
      g.strokeStyle = COLORS[name] || '#0891b2';
      g.lineWidth = 2;
      g.beginPath();
      var offset = span - history.length;
      history.forEach(function (h, i) {
        var x = left + (offset + i) * step, y = bottom - ((h[name] || 0) / max) * (bottom - top);
        if (i === 0) { g.moveTo(x, y); } else { g.lineTo(x, y); }
      });
      g.stroke();
    });
  }

  function renderGroups(groups) {
    var byName = {};
    groups.forEach(function (group) { byName[group.name] = group.pools; });
    var names = GROUPS.concat(Object.keys(byName).filter(function (n) { return GROUPS.indexOf(n) < 0; }));
    var box = $('groups');
    box.textContent = '';
    names.forEach(function (name) {
      var section = document.createElement('section');
      section.className = 'group';
      section.dataset.group = name;
      var heading = document.createElement('h2');
      heading.textContent = name;
      section.appendChild(heading);
      var pools = byName[name] || [];
      if (!pools.length) {
        var empty = document.createElement('p');
        empty.className = 'empty';
        empty.textContent = EMPTY[name] || 'Nothing to watch.';
        section.appendChild(empty);
      }
      var grid = document.createElement('div');
      grid.className = 'pools';
      pools.forEach(function (pool) { grid.appendChild(poolCard(pool)); });
      section.appendChild(grid);
      box.appendChild(section);
    });
  }

  function poolCard(pool) {
    var card = document.createElement('article');
    card.className = 'card pool' + (pool.remaining === 0 ? ' soldout' : '');
    card.dataset.pool = pool.id;
    var left = pool.remaining < 0 ? 0 : pool.remaining;
    var share = pool.stock > 0 ? Math.round(100 * left / pool.stock) : 0;
    card.innerHTML = '<h3></h3><div class="id"></div>'
      + '<div class="big"><span data-field="remaining"></span> <small>of <span data-field="stock"></span> left</small></div>'
      + '<div class="bar"><span></span></div>'
      + '<div class="nums"><div>taken/s<b data-field="rate"></b></div><div>pending<b data-field="pending"></b></div>'
      + '<div>stored<b data-field="stored"></b></div><div>waiting<b data-field="waiting"></b></div></div>';
    card.querySelector('h3').textContent = pool.name;
    card.querySelector('.id').textContent = pool.id;
    card.querySelector('.bar span').style.width = share + '%';
    card.querySelector('[data-field="remaining"]').textContent = pool.remaining < 0 ? 'not loaded' : fmt(pool.remaining);
    card.querySelector('[data-field="stock"]').textContent = fmt(pool.stock);
    card.querySelector('[data-field="rate"]').textContent = fmt(pool.takenPerSecond);
    card.querySelector('[data-field="pending"]').textContent = fmt(pool.pending);
    card.querySelector('[data-field="stored"]').textContent = fmt(pool.stored);
    card.querySelector('[data-field="waiting"]').textContent = fmt(pool.waiting);
    return card;
  }

  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var value = $('token').value.trim().replace(/^Bearer\s+/i, '');
    if (!value) { return; }
    sessionStorage.setItem(TOKEN_KEY, value);
    $('token').value = '';
    connect();
  });

  $('dev-token').addEventListener('click', function () {
    fetch('/api/v1/dev/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ subject: 'staff-dashboard', roles: ['ADMIN'], ttlSeconds: 8 * 3600 }) })
      .then(function (r) { if (!r.ok) { throw new Error(); } return r.json(); })
      .then(function (body) { $('token').value = body.token; })
      .catch(function () { $('login-error').textContent = 'No dev token issuer here (only in local runs and tests).'; });
  });

  $('logout').addEventListener('click', function () {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin();
  });

  window.addEventListener('resize', drawChart);

  if (token()) { connect(); } else { showLogin(); }
})();
