/* The Connector page, framed by connector.js. It talks only to the page that framed it (the origin in its URL, which
 * the server checked against the client's allowed origins and pinned with CSP frame-ancestors), keeps the session
 * token in memory, and builds every element with textContent: nothing from data becomes markup. */
(function () {
  'use strict';
  var SOURCE = 'tessera-connector';
  var parentOrigin = new URLSearchParams(location.search).get('origin');
  var connectorId = decodeURIComponent(location.pathname.split('/')[3] || '');
  var parentWindow = window.parent;
  var state = { token: null, profileId: null, connectionId: null, session: (crypto.randomUUID ? crypto.randomUUID() : String(Date.now())), started: false, done: false };

  var title = document.getElementById('title');
  var status = document.getElementById('status');
  var list = document.getElementById('institutions');
  var actions = document.getElementById('actions');

  function post(message) {
    message.source = SOURCE;
    parentWindow.postMessage(message, parentOrigin);
  }

  function metadata() {
    var m = { connectorId: connectorId, connectorSession: { id: state.session } };
    if (state.profileId) m.profileId = state.profileId;
    if (state.connectionId) m.connectionId = state.connectionId;
    return m;
  }

  function emit(type) {
    if (state.done && type.indexOf('exited.') === 0) return;
    if (type.indexOf('exited.') === 0) state.done = true;
    post({ type: 'event', event: type, metadata: metadata() });
  }

  function button(text, className, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = className;
    b.textContent = text;
    b.addEventListener('click', onClick);
    return b;
  }

  function clear() {
    while (list.firstChild) list.removeChild(list.firstChild);
    while (actions.firstChild) actions.removeChild(actions.firstChild);
  }

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? 'error' : '';
  }

  function fail(heading, text, inline) {
    clear();
    title.textContent = heading;
    say(text, true);
    if (!inline) actions.appendChild(button('Close', 'secondary', function () { post({ type: 'close' }); }));
    emit('exited.errored');
  }

  function cancelButton() {
    return button('Cancel', 'secondary', function () { clear(); say('Cancelled.'); emit('exited.aborted'); });
  }

  function api(method, path, body) {
    return fetch(path, {
      method: method,
      headers: { 'Authorization': 'Bearer ' + state.token, 'Accept': 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) { return { status: response.status, body: json }; });
    });
  }

  function refused(result, inline) {
    if (result.status === 401) return fail('Session expired', 'Your session has ended. Sign in again, then reopen the Connector.', inline);
    if (result.status === 404) return fail('Not available', (result.body && result.body.message) || 'This Connector is not available to this session.', inline);
    if (result.status === 429) return fail('Too many requests', 'Wait a moment, then try again.', inline);
    fail('Could not connect', (result.body && result.body.message) || 'Something went wrong.', inline);
  }

  function base() { return '/v1/connectors/' + encodeURIComponent(connectorId); }

  function connected(heading, text) {
    clear();
    title.textContent = heading;
    say(text);
    emit('exited.successful');
  }

  function showInstitutions(view, filter, inline) {
    clear();
    var shown = view.institutions.filter(function (i) {
      return !filter || i.id === filter || i.name.toLowerCase().indexOf(filter.toLowerCase()) >= 0;
    });
    if (shown.length === 0) shown = view.institutions;
    title.textContent = 'Connect an account';
    say('Choose your institution. In this sandbox, connecting creates realistic mock accounts and transactions.');
    shown.forEach(function (institution) {
      var item = document.createElement('li');
      var choose = button('', 'institution', function () {
        say('Connecting to ' + institution.name + '…');
        clear();
        api('POST', base() + '/connections', { institution: institution.id }).then(function (result) {
          if (result.status !== 201) return refused(result, inline);
          state.connectionId = result.body.connectionId;
          connected('Connected', institution.name + ' is connected.');
        }, function () { fail('Could not connect', 'The server could not be reached.', inline); });
      });
      var logo = document.createElement('img');
      logo.alt = '';
      logo.src = institution.logoUrl;
      var name = document.createElement('span');
      name.textContent = institution.name;
      choose.appendChild(logo);
      choose.appendChild(name);
      choose.setAttribute('data-institution', institution.id);
      item.appendChild(choose);
      list.appendChild(item);
    });
    actions.appendChild(cancelButton());
  }

  function showReconnect(view, inline) {
    clear();
    title.textContent = 'Reconnect';
    say('Reconnect ' + (view.connection.institutionName || 'this connection') + '?');
    actions.appendChild(button('Reconnect', 'primary', function () {
      clear();
      say('Reconnecting…');
      api('POST', base() + '/connections/' + encodeURIComponent(state.connectionId) + '/reconnect', {}).then(function (result) {
        if (result.status !== 200) return refused(result, inline);
        connected('Reconnected', (view.connection.institutionName || 'The connection') + ' is connected.');
      }, function () { fail('Could not reconnect', 'The server could not be reached.', inline); });
    }));
    actions.appendChild(cancelButton());
  }

  function start(message) {
    state.token = typeof message.token === 'string' && message.token.length > 0 ? message.token : null;
    state.connectionId = typeof message.connectionId === 'string' && message.connectionId.length > 0 ? message.connectionId : null;
    var inline = message.inline === true;
    if (message.themeMode === 'dark' || (message.themeMode === 'auto' && window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches))
      document.documentElement.className = 'dark';
    if (!state.token) return fail('Sign in first', 'The app has no session: sign in, then open the Connector.', inline);
    var path = base() + '/session' + (state.connectionId ? '?connectionId=' + encodeURIComponent(state.connectionId) : '');
    api('GET', path).then(function (result) {
      if (result.status !== 200) return refused(result, inline);
      var view = result.body;
      state.profileId = view.profileId;
      emit('loaded');
      if (view.environmentMode !== 'SANDBOX')
        return fail('Connections are not available',
          'No aggregator is configured for this ' + view.environmentMode + ' environment: its accounts arrive through the import API, not through the Connector.', inline);
      if (state.connectionId) showReconnect(view, inline);
      else showInstitutions(view, typeof message.institution === 'string' ? message.institution : null, inline);
    }, function () { fail('Could not connect', 'The server could not be reached.', inline); });
  }

  if (parentWindow === window || !parentOrigin) {
    say('Open the Connector from your app (connector.js): this page does nothing on its own.', true);
    return;
  }
  window.addEventListener('message', function (event) {
    if (event.source !== parentWindow || event.origin !== parentOrigin) return;
    var data = event.data;
    if (!data || typeof data !== 'object' || data.source !== SOURCE || data.type !== 'session' || state.started) return;
    state.started = true;
    start(data);
  });
  post({ type: 'ready' });
})();
