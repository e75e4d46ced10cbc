/* Tessera's self-hosted Connector: the `window.Quiltt` that @quiltt/react's useQuilttConnector, QuilttButton and
 * QuilttContainer drive (ADR 0012). Hand-written, no build step. The session token reaches the Connector page only by
 * postMessage to Tessera's origin, never in a URL; messages are taken only from Tessera's origin and from the frame
 * this script made. */
(function () {
  'use strict';
  if (window.Quiltt && window.Quiltt.__tessera) return;

  var current = document.currentScript;
  // The origin this script was served from is the only one the Connector page may speak for.
  var TESSERA = new URL(current && current.src ? current.src : location.href, location.href).origin;
  var SOURCE = 'tessera-connector';
  var EVENTS = ['opened', 'loaded', 'exited.successful', 'exited.aborted', 'exited.errored'];
  var KINDS = ['Event', 'Open', 'Load', 'Exit', 'ExitSuccess', 'ExitAbort', 'ExitError'];

  var token = null;
  var handles = {};

  function callbacks(target) {
    var lists = {};
    KINDS.forEach(function (kind) {
      lists[kind] = [];
      target['on' + kind] = function (fn) { if (typeof fn === 'function' && lists[kind].indexOf(fn) < 0) lists[kind].push(fn); };
      target['off' + kind] = function (fn) { var i = lists[kind].indexOf(fn); if (i >= 0) lists[kind].splice(i, 1); };
    });
    return lists;
  }

  function call(list, args) {
    list.slice().forEach(function (fn) {
      try { fn.apply(null, args); } catch (e) { setTimeout(function () { throw e; }); }
    });
  }

  function fire(lists, type, metadata) {
    call(lists.Event, [type, metadata]);
    if (type === 'opened') call(lists.Open, [metadata]);
    else if (type === 'loaded') call(lists.Load, [metadata]);
    else {
      call(lists.Exit, [type, metadata]);
      call(type === 'exited.successful' ? lists.ExitSuccess : type === 'exited.aborted' ? lists.ExitAbort : lists.ExitError, [metadata]);
    }
  }

  var Quiltt = { __tessera: true };
  var globalLists = callbacks(Quiltt);

  function emit(handle, type, metadata) {
    // Each handler sees its own copy: an app mutating it cannot change what the next one sees.
    var copy = function () { return JSON.parse(JSON.stringify(metadata)); };
    fire(handle.lists, type, copy());
    fire(globalLists, type, copy());
  }

  function register(handle, options) {
    KINDS.forEach(function (kind) {
      var fn = options && options['on' + kind];
      if (typeof fn === 'function') handle['on' + kind](fn);
    });
  }

  function pageUrl(connectorId) {
    return TESSERA + '/v1/connectors/' + encodeURIComponent(connectorId) + '/page?origin=' + encodeURIComponent(location.origin);
  }

  function frameFor(handle) {
    var frame = document.createElement('iframe');
    frame.src = pageUrl(handle.connectorId);
    frame.title = 'Connect an account';
    frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-forms');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.setAttribute('data-quiltt-connector', handle.connectorId);
    frame.style.cssText = 'border:0;width:100%;height:100%;min-height:480px;background:transparent;';
    return frame;
  }

  function close(handle) {
    if (handle.overlay && handle.overlay.parentNode) handle.overlay.parentNode.removeChild(handle.overlay);
    if (handle.frame && handle.inline && handle.frame.parentNode) handle.frame.parentNode.removeChild(handle.frame);
    handle.overlay = null;
    handle.frame = null;
    handle.inline = false;
  }

  function openModal(handle) {
    close(handle);
    var overlay = document.createElement('div');
    overlay.setAttribute('data-quiltt-connector-modal', handle.connectorId);
    overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:rgba(15,23,42,.55);display:flex;align-items:center;justify-content:center;';
    var box = document.createElement('div');
    box.style.cssText = 'width:min(420px,100vw);height:min(640px,100vh);background:#fff;border-radius:12px;overflow:hidden;box-shadow:0 20px 60px rgba(0,0,0,.35);';
    var frame = frameFor(handle);
    box.appendChild(frame);
    overlay.appendChild(box);
    document.body.appendChild(overlay);
    handle.overlay = overlay;
    handle.frame = frame;
    handle.inline = false;
    handle.openedSent = true;
    emit(handle, 'opened', { connectorId: handle.connectorId });
  }

  function mountContainer(handle) {
    if (handle.frame && handle.inline && document.contains(handle.frame)) return;
    var containers = document.querySelectorAll('[quiltt-container]');
    for (var i = 0; i < containers.length; i++) {
      if (containers[i].getAttribute('quiltt-container') !== handle.connectorId) continue;
      var frame = frameFor(handle);
      containers[i].appendChild(frame);
      handle.frame = frame;
      handle.inline = true;
      // Inline, 'opened' is sent when the page is ready: the app's handlers are registered by then.
      handle.openedSent = false;
      return;
    }
  }

  function handle(connectorId, options, connectionId) {
    if (typeof connectorId !== 'string' || connectorId.length === 0) throw new Error('Quiltt: connect needs a connectorId');
    var h = handles[connectorId];
    if (!h) {
      h = { connectorId: connectorId };
      h.lists = callbacks(h);
      h.open = function () { openModal(h); };
      handles[connectorId] = h;
    }
    h.options = options || {};
    h.connectionId = connectionId || null;
    register(h, options);
    setTimeout(function () { mountContainer(h); }, 0);
    return h;
  }

  Quiltt.authenticate = function (sessionToken) { token = typeof sessionToken === 'string' && sessionToken.length > 0 ? sessionToken : null; };
  Quiltt.connect = function (connectorId, options) { return handle(connectorId, options, null); };
  Quiltt.reconnect = function (connectorId, options) {
    if (!options || typeof options.connectionId !== 'string' || options.connectionId.length === 0) throw new Error('Quiltt: reconnect needs a connectionId');
    return handle(connectorId, options, options.connectionId);
  };
  Quiltt.resetConnector = function (connectorId) { var h = handles[connectorId]; if (h) { close(h); delete handles[connectorId]; } };
  Quiltt.reset = function () { Object.keys(handles).forEach(Quiltt.resetConnector); token = null; };

  window.addEventListener('message', function (event) {
    if (event.origin !== TESSERA) return;
    var data = event.data;
    if (!data || typeof data !== 'object' || data.source !== SOURCE) return;
    var h = null;
    Object.keys(handles).forEach(function (id) {
      if (handles[id].frame && handles[id].frame.contentWindow === event.source) h = handles[id];
    });
    if (!h) return;
    if (data.type === 'ready') {
      h.frame.contentWindow.postMessage({
        source: SOURCE, type: 'session', token: token, connectorId: h.connectorId, connectionId: h.connectionId,
        institution: typeof h.options.institution === 'string' ? h.options.institution : null,
        themeMode: typeof h.options.themeMode === 'string' ? h.options.themeMode : null,
        inline: h.inline,
      }, TESSERA);
      if (!h.openedSent) { h.openedSent = true; emit(h, 'opened', { connectorId: h.connectorId }); }
    } else if (data.type === 'event' && EVENTS.indexOf(data.event) >= 0 && data.event !== 'opened') {
      var m = data.metadata || {};
      var metadata = { connectorId: h.connectorId };
      if (typeof m.profileId === 'string') metadata.profileId = m.profileId;
      if (typeof m.connectionId === 'string') metadata.connectionId = m.connectionId;
      if (m.connectorSession && typeof m.connectorSession.id === 'string') metadata.connectorSession = { id: m.connectorSession.id };
      emit(h, data.event, metadata);
      // A modal closes when the flow ends; an error stays on screen until the user closes it.
      if (!h.inline && (data.event === 'exited.successful' || data.event === 'exited.aborted')) close(h);
    } else if (data.type === 'close' && !h.inline) {
      close(h);
    }
  });

  window.Quiltt = Quiltt;
})();
