'use strict';
// Driftless's web UI: plain JavaScript, no build step. Reads with the signed-in credentials (if any), follows
// changes over Server-Sent Events, and asks for credentials before a sync.
const view = document.getElementById('view');
const targets = new Map();
let filter = '';
/** The release whose rollout page is shown (it follows the targets' changes), or null. */
let shownRelease = null;

// Resolved by the first read the service answers: events are followed from then on (see follow()).
let readable;
const canRead = new Promise(resolve => { readable = resolve; });
// Called when credentials are given (see nextCredentials()).
let credentialsGiven = () => {};

function authHeader() {
  const c = sessionStorage.getItem('driftless-auth');
  // X-Driftless-Request: a page of another site cannot send it, so the service takes writes only with it
  return c ? { Authorization: c, 'X-Driftless-Request': '1' } : { 'X-Driftless-Request': '1' };
}

/** A promise resolved the next time credentials are given. */
function nextCredentials() {
  return new Promise(resolve => { credentialsGiven = resolve; });
}

async function api(method, path, body) {
  const write = method !== 'GET';
  const response = await fetch(path, {
    method, headers: { ...authHeader(), ...(write ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (response.ok && !write) {
    readable();
  }
  if (response.status === 401) {
    // wrong credentials are sent once: each would count as a failed sign-in
    sessionStorage.removeItem('driftless-auth');
    document.getElementById('who').textContent = '';
  }
  if (response.status === 401 || response.status === 403) {
    const error = new Error(json && json.error ? json.error : 'HTTP ' + response.status);
    error.status = response.status;
    throw error;
  }
  if (!response.ok && response.status !== 202) {
    throw new Error(json && json.error ? json.error : 'HTTP ' + response.status);
  }
  return json;
}

/** How this service signs users in (GET /api/v1/auth, which needs no credentials), asked once. */
let authInfo = null;
async function singleSignOn() {
  if (!authInfo) {
    try {
      authInfo = await (await fetch('/api/v1/auth')).json();
    } catch (e) {
      authInfo = { methods: [] };
    }
  }
  return (authInfo.methods || []).includes('oidc');
}

/** The name an ID token gives its user (its payload is plain base64url JSON; the service verified it). */
function nameOf(token) {
  try {
    const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return claims.preferred_username || claims.email || claims.sub || 'signed in';
  } catch (e) {
    return 'signed in';
  }
}

/** A single sign-on coming back: the ID token (or why it failed) in the fragment, which no server saw. */
let signInError = '';
function takeSignIn() {
  const hash = location.hash;
  if (hash.startsWith('#sso=')) {
    const token = hash.substring(5);
    sessionStorage.setItem('driftless-auth', 'Bearer ' + token);
    sessionStorage.setItem('driftless-who', nameOf(token));
    history.replaceState(null, '', location.pathname + (sessionStorage.getItem('driftless-return') || '#/'));
    credentialsGiven();
  } else if (hash.startsWith('#sso-error=')) {
    signInError = 'single sign-on failed: ' + decodeURIComponent(hash.substring(11));
    history.replaceState(null, '', location.pathname + (sessionStorage.getItem('driftless-return') || '#/'));
  }
  document.getElementById('who').textContent = sessionStorage.getItem('driftless-auth')
    ? sessionStorage.getItem('driftless-who') || '' : '';
}

function login(why) {
  return new Promise(resolve => {
    const dialog = document.getElementById('login');
    document.getElementById('login-why').textContent = [signInError, why].filter(Boolean).join('; ');
    signInError = '';
    singleSignOn().then(on => {
      document.getElementById('login-sso-box').hidden = !on;
    });
    document.getElementById('login-sso').onclick = () => {
      sessionStorage.setItem('driftless-return', location.hash || '#/');
      location.href = '/ui/login';
    };
    dialog.returnValue = '';
    dialog.onclose = () => {
      if (dialog.returnValue === 'ok') {
        const user = document.getElementById('login-user').value;
        const secret = document.getElementById('login-password').value;
        sessionStorage.setItem('driftless-auth', user ? 'Basic ' + btoa(user + ':' + secret) : 'Bearer ' + secret);
        sessionStorage.setItem('driftless-who', user || 'token');
        document.getElementById('who').textContent = user || 'token';
        credentialsGiven();
        resolve(true);
      } else {
        resolve(false);
      }
    };
    dialog.showModal();
  });
}

/** Calls the API; on 401/403 asks for credentials once and tries again. */
async function withCredentials(call) {
  try {
    return await call();
  } catch (e) {
    // a signed-in user refused (403) is told why; asking for other credentials is for the unknown
    if (e.status === 401 || e.status === 403 && !sessionStorage.getItem('driftless-auth')) {
      if (await login(e.message)) {
        return await call();
      }
    }
    throw e;
  }
}

function esc(value) {
  return String(value === undefined || value === null ? '-' : value)
    .replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function short(revision) {
  return revision ? esc(revision.substring(0, 12)) : '-';
}

/** Drift items as a table: with their object unless they are one object's, each field with its last writer. */
function driftTable(id, items, { object = true, desired = 'Desired' } = {}) {
  return `<table${id ? ` id="${id}"` : ''}><thead><tr>${object ? '<th>Object</th>' : ''}<th>Change</th><th>Field</th>
    <th>${esc(desired)}</th><th>Live</th><th>Last writer</th></tr></thead><tbody>${items.map(d => `<tr>${object
      ? `<td>${esc(d.object)}</td>` : ''}<td>${esc(d.change)}</td><td>${esc(d.path)}</td>
    <td>${esc(JSON.stringify(d.desired))}</td><td>${esc(JSON.stringify(d.live))}</td><td>${esc(d.lastWriter)}</td></tr>`)
    .join('')}</tbody></table>`;
}

function row(t) {
  const id = t.cluster + '/' + t.release;
  return `<tr data-target="${esc(id)}"><td><a href="#/targets/${esc(id)}">${esc(t.cluster)}</a></td>`
    + `<td><a href="#/releases/${esc(t.release)}">${esc(t.release)}</a></td>`
    + `<td class="${esc(t.syncState)} sync">${esc(t.syncState)}${t.suspended ? ' (suspended)' : ''}</td>`
    + `<td class="${esc(t.health)}">${esc(t.health)}</td><td class="drift">${esc(t.outOfSync)}</td>`
    + `<td>${short(t.revision)}</td><td class="muted">${esc(t.lastSync)}</td><td class="error">${esc(t.lastError || '')}</td></tr>`;
}

function renderGrid() {
  if (!location.hash.match(/^#?\/?$/)) {
    return;
  }
  const shown = [...targets.values()].filter(t => (t.cluster + '/' + t.release + ' ' + t.syncState + ' ' + t.health)
    .toLowerCase().includes(filter.toLowerCase()));
  document.getElementById('grid-body').innerHTML = shown.map(row).join('');
  document.getElementById('count').textContent = shown.length + ' of ' + targets.size + ' targets';
}

async function showGrid() {
  view.innerHTML = `<div class="bar"><input type="search" id="filter" placeholder="filter: cluster, release, state"
      value="${esc(filter)}"> <span id="count" class="muted"></span></div>
    <table id="grid"><thead><tr><th>Cluster</th><th>Release</th><th>Sync</th><th>Health</th><th>Drift</th>
    <th>Revision</th><th>Last sync</th><th>Error</th></tr></thead><tbody id="grid-body"></tbody></table>`;
  document.getElementById('filter').oninput = e => { filter = e.target.value; renderGrid(); };
  const all = await withCredentials(() => api('GET', '/api/v1/targets'));
  targets.clear();
  all.forEach(t => targets.set(t.cluster + '/' + t.release, t));
  renderGrid();
}

async function showTarget(id) {
  const t = await withCredentials(() => api('GET', '/api/v1/targets/' + id));
  targets.set(id, t);
  view.innerHTML = `<h1>${esc(id)} <span class="${esc(t.syncState)}" id="target-state">${esc(t.syncState)}</span>
      <span class="${esc(t.health)}">${esc(t.health)}</span></h1>
    <p class="muted">release <a href="#/releases/${esc(t.release)}">${esc(t.release)}</a> · namespace ${esc(t.namespace)}
      · source ${esc(t.source)} · revision ${short(t.revision)}
      · last sync ${esc(t.lastSync)}${t.suspended ? ' · <b>suspended</b>' : ''}</p>
    ${t.pin ? `<p class="Waiting" id="pin">pinned to ${short(t.pin.revision)} (rolled back at ${esc(t.pin.at)}${t.pin.untilNewer
      ? ', until a commit newer than ' + short(t.pin.newestAtPin) : ''}) <button id="unpin">Unpin</button></p>` : ''}
    ${t.lastError ? `<p class="error">${esc(t.lastError)}</p>` : ''}
    ${t.warnings.map(w => `<p class="OutOfSync">warning: ${esc(w)}</p>`).join('')}
    ${t.syncState === 'Waiting' ? `<p class="Waiting" id="waiting">${esc(t.summary)}</p>` : ''}
    ${(t.windows || []).map(w => `<p class="muted window">${esc(w.kind)} window ${esc(w.schedule)}
      (${esc(w.timeZone)}, ${esc(w.duration)}${w.manualSync ? ', manual syncs allowed' : ''}):
      ${w.openUntil ? 'open until ' + esc(w.openUntil) : 'closed'}${w.nextOpening ? ', next opens ' + esc(w.nextOpening) : ''}</p>`).join('')}
    <div class="bar"><button id="sync">Sync</button> <button id="dry-run">Dry run</button>
      <button id="refresh">Refresh source</button> <span id="result"></span></div>
    <h2>Drift (${esc(t.outOfSync)})</h2>
    ${driftTable('drift', t.drift)}
    <h2>Health</h2><ul>${t.healthDetails.map(h => `<li>${esc(h)}</li>`).join('') || '<li>healthy</li>'}</ul>
    <h2>Objects</h2><div id="objects" class="muted">reading…</div>
    <h2>Last changes</h2><table><tbody>${t.changes.map(c => `<tr><td>${esc(c.object)}</td><td>${esc(c.action)}</td>
      <td class="muted">${esc(c.reason || '')}</td></tr>`).join('')}</tbody></table>
    <h2>History</h2><table id="history"><thead><tr><th>At</th><th>Revision</th><th>Commit</th><th>Result</th>
      <th>Summary</th><th></th></tr></thead>
      <tbody>${t.history.map(h => `<tr><td>${esc(h.at)}</td><td>${short(h.revision)}</td>
      <td>${h.message ? esc(h.message) + ' <span class="muted">· ' + esc(h.author) + '</span>' : ''}</td>
      <td>${esc(h.result)}</td><td>${esc(h.summary)}${h.error ? ' <span class="error">' + esc(h.error) + '</span>' : ''}
      ${h.changes && h.changes.length ? `<details><summary>${esc(h.changes.length)} change(s)</summary><ul>${h.changes
        .map(c => `<li>${esc(c)}</li>`).join('')}</ul></details>` : ''}</td>
      <td>${h.revision ? `<button class="diff-at" data-revision="${esc(h.revision)}">Diff</button>` : ''}
      ${h.result === 'success' && h.revision && h.revision !== t.revision
        ? `<button class="rollback" data-revision="${esc(h.revision)}">Roll back to ${short(h.revision)}</button>` : ''}</td>
      </tr>`).join('')}</tbody></table><div id="history-diff" aria-live="polite"></div>`;
  const result = document.getElementById('result');
  const act = (label, call) => async () => {
    result.className = 'muted';
    result.textContent = label + '…';
    try {
      const answer = await withCredentials(call);
      result.className = 'ok';
      result.textContent = label + ': ' + (answer && answer.syncState ? answer.syncState + ' · ' + answer.summary
        : answer && answer.status ? answer.status : 'done');
      if (answer && answer.syncState) {
        document.getElementById('target-state').textContent = answer.syncState;
        document.getElementById('target-state').className = answer.syncState;
      }
    } catch (e) {
      result.className = 'error';
      result.textContent = label + ' refused: ' + e.message;
    }
  };
  document.getElementById('sync').onclick = act('Sync', () => api('POST', '/api/v1/targets/' + id + '/sync'));
  document.getElementById('dry-run').onclick = act('Dry run',
    () => api('POST', '/api/v1/targets/' + id + '/sync?dryRun=true'));
  document.getElementById('refresh').onclick = act('Refresh',
    () => api('POST', '/api/v1/sources/' + encodeURIComponent(t.source) + '/refresh'));
  document.querySelectorAll('#history button.diff-at').forEach(b => {
    b.onclick = async () => {
      const out = document.getElementById('history-diff');
      out.textContent = 'comparing with ' + b.dataset.revision.substring(0, 12) + '…';
      try {
        const d = await withCredentials(() => api('GET', '/api/v1/targets/' + id + '/diff?revision=' + b.dataset.revision));
        out.innerHTML = `<h3>What syncing ${short(d.revision)} would change: <span class="${esc(d.result)}">${esc(d.result)}</span></h3>
          ${d.error ? `<p class="error">${esc(d.error)}</p>` : ''}${driftTable(null, d.drift, { desired: 'Desired then' })}`;
      } catch (e) {
        out.innerHTML = `<p class="error">${esc(e.message)}</p>`;
      }
    };
  });
  document.querySelectorAll('#history button.rollback').forEach(b => {
    b.onclick = act('Roll back', async () => (await api('POST', '/api/v1/targets/' + id + '/rollback',
      { revision: b.dataset.revision, untilNewer: false }))[0]);
  });
  if (t.pin) {
    document.getElementById('unpin').onclick = act('Unpin',
      async () => (await api('POST', '/api/v1/targets/' + id + '/unpin'))[0]);
  }
  await showObjects(id);
  every(5000, () => showObjects(id));
}

/** The page's refresh, stopped when another page is shown. */
let refresh = null;
function every(millis, call) {
  refresh = setInterval(call, millis);
}

/** Objects a user folded on the target page (their owned trees hidden), by object. */
const folded = new Set();

/** The path of one object's view: group (core for the core group), kind, namespace (_ when none), name. */
function objectPath(o) {
  return [o.group || 'core', o.kind, o.namespace || '_', o.name].map(encodeURIComponent).join('/');
}

/** A target's objects, each followed by what it owns, indented; refreshed while the page shows. */
async function showObjects(id) {
  const box = document.getElementById('objects');
  if (!box) {
    return;
  }
  let answer;
  try {
    answer = await api('GET', '/api/v1/targets/' + id + '/objects');
  } catch (e) {
    box.innerHTML = `<p class="error">${esc(e.message)}</p>`;
    return;
  }
  const rows = [];
  const owned = (nodes, depth, parent) => nodes.forEach(n => {
    rows.push(`<tr class="owned" data-parent="${esc(parent)}" data-owned="${esc(n.kind + '/' + n.name)}">
      <td class="depth-${Math.min(depth, 4)}">└ ${esc(n.kind)}/${esc(n.name)}</td><td></td>
      <td class="${esc(n.health)} health">${esc(n.health)}</td><td></td><td class="summary">${esc(n.summary)}${n.ready
        ? ` · ready ${esc(n.ready)} · restarts ${esc(n.restarts)}` : ''}</td></tr>`);
    owned(n.children, depth + 1, parent);
  });
  for (const o of answer.objects) {
    const key = o.object;
    const hasTree = o.owned.length > 0;
    rows.push(`<tr data-object="${esc(key)}"><td>${hasTree ? `<button class="fold" aria-expanded="${!folded.has(key)}"
        aria-label="${folded.has(key) ? 'show' : 'hide'} what ${esc(key)} owns" data-key="${esc(key)}">${folded.has(key)
        ? '▸' : '▾'}</button> ` : ''}<a href="#/targets/${esc(id)}/objects/${objectPath(o)}">${esc(key)}</a></td>
      <td class="${esc(o.state)} state">${esc(o.state)}</td><td class="${esc(o.health)} health">${esc(o.health)}</td>
      <td>${esc(o.driftCount)}</td><td class="muted">${esc(o.healthDetail || o.reason || '')}</td></tr>`);
    if (!folded.has(key)) {
      owned(o.owned, 1, key);
    }
  }
  box.className = '';
  box.innerHTML = (answer.error ? `<p class="error">${esc(answer.error)}</p>` : '')
    + (answer.unwatched && answer.unwatched.length ? `<p class="muted">not watched here: ${esc(answer.unwatched.join(', '))}</p>` : '')
    + `<table id="objects-table"><thead><tr><th>Object</th><th>State</th><th>Health</th><th>Drift</th><th>Detail</th>
      </tr></thead><tbody>${rows.join('')}</tbody></table>`;
  box.querySelectorAll('button.fold').forEach(b => {
    b.onclick = () => {
      const key = b.dataset.key;
      if (!folded.delete(key)) {
        folded.add(key);
      }
      showObjects(id).then(() => {
        const again = [...document.querySelectorAll('button.fold')].find(x => x.dataset.key === key);
        if (again) {
          again.focus();
        }
      });
    };
  });
}

/** A value as YAML, for the manifests shown side by side. */
function yaml(value, indent = '') {
  if (Array.isArray(value)) {
    return value.length === 0 ? ' []' : value.map(v => {
      const inner = yaml(v, indent + '  ');
      return '\n' + indent + '-' + (v !== null && typeof v === 'object' ? inner.replace(/^\n\s*/, ' ') : inner);
    }).join('');
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? ' {}' : keys.map(k => '\n' + indent + k + ':' + yaml(value[k], indent + '  ')).join('');
  }
  return ' ' + (typeof value === 'string' && (value === '' || /[:#{}\[\],&*?|<>=!%@`'"\n]|^\s|\s$|^(true|false|null|[-+.\d].*)$/
    .test(value)) ? JSON.stringify(value) : String(value));
}

/**
 * The live object as far as the desired one sets it: its maps cut to the desired keys, its lists of named entries
 * matched by name (entries only live has kept, as they are drift), other lists by position.
 */
function asDesired(desired, live) {
  if (Array.isArray(desired) && Array.isArray(live)) {
    const named = desired.every(d => d && typeof d === 'object' && 'name' in d);
    if (!named) {
      return live.map((l, i) => i < desired.length ? asDesired(desired[i], l) : l);
    }
    const byName = new Map(desired.map(d => [d.name, d]));
    return live.map(l => l && byName.has(l.name) ? asDesired(byName.get(l.name), l) : l);
  }
  if (desired && live && typeof desired === 'object' && typeof live === 'object' && !Array.isArray(desired)) {
    const out = {};
    Object.keys(desired).filter(k => k in live).forEach(k => { out[k] = asDesired(desired[k], live[k]); });
    return out;
  }
  return live;
}

/** Lines of two texts side by side, the lines that differ marked (a longest-common-subsequence diff). */
function sideBySide(left, right) {
  const a = left.split('\n');
  const b = right.split('\n');
  if (a.length * b.length > 4000000) {
    return `<div class="panes"><pre>${esc(left)}</pre><pre>${esc(right)}</pre></div>`;
  }
  const common = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i][j] = a[i] === b[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const l = [];
  const r = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      l.push(`<span>${esc(a[i++])}</span>`);
      r.push(`<span>${esc(b[j++])}</span>`);
    } else if (j < b.length && (i === a.length || common[i][j + 1] >= common[i + 1][j])) {
      l.push('<span class="gap"> </span>');
      r.push(`<span class="changed">${esc(b[j++])}</span>`);
    } else {
      l.push(`<span class="changed">${esc(a[i++])}</span>`);
      r.push('<span class="gap"> </span>');
    }
  }
  return `<div class="panes"><pre aria-label="desired">${l.join('\n')}</pre><pre aria-label="live">${r.join('\n')}</pre></div>`;
}

/** One object: its state, the fields that differ with their last writers, desired and live side by side. */
async function showObject(id, path) {
  const answer = await withCredentials(() => api('GET', '/api/v1/targets/' + id + '/objects/' + path));
  const o = answer.objects[0];
  const desired = o.desired ? yaml(o.desired).substring(1) : '(not rendered)';
  const live = o.live ? yaml(o.desired ? asDesired(o.desired, o.live) : o.live).substring(1) : '(not in the cluster)';
  view.innerHTML = `<h1>${esc(o.object)} <span class="${esc(o.state)}" id="object-state">${esc(o.state)}</span>
      <span class="${esc(o.health)}">${esc(o.health)}</span></h1>
    <p class="muted">target <a href="#/targets/${esc(id)}">${esc(id)}</a> · revision ${short(answer.revision)}
      ${o.reason ? ' · ' + esc(o.reason) : ''}${o.healthDetail ? ' · ' + esc(o.healthDetail) : ''}</p>
    <h2>Differing fields (${esc(o.drift.length)})</h2>
    ${driftTable('object-drift', o.drift, { object: false })}
    <h2>Desired and live</h2>
    <p class="muted">Ignore rules applied to the fields above; the live side shows the fields Git sets.
      <label><input type="checkbox" id="full-live"> whole live object</label></p>
    <div id="manifests">${sideBySide(desired, live)}</div>
    <h2>Managers</h2><ul>${(o.managers || []).map(m => `<li>${esc(m)}</li>`).join('') || '<li>none recorded</li>'}</ul>`;
  document.getElementById('full-live').onchange = e => {
    document.getElementById('manifests').innerHTML = sideBySide(desired, e.target.checked && o.live
      ? yaml(o.live).substring(1) : live);
  };
}

/** Releases as rows, clusters as columns (filtered by cluster labels): where a commit has spread and where it sticks. */
async function showMatrix() {
  const [all, clusters, sources] = await withCredentials(() => Promise.all([api('GET', '/api/v1/targets'),
    api('GET', '/api/v1/clusters'), api('GET', '/api/v1/sources')]));
  const newest = new Map(sources.map(s => [s.name, s.revision]));
  targets.clear();
  all.forEach(t => targets.set(t.cluster + '/' + t.release, t));
  const labels = new Map(clusters.map(c => [c.cluster, c.labels || {}]));
  view.innerHTML = `<h1>Fleet matrix</h1><div class="bar">
      <label>Clusters <input type="search" id="matrix-clusters" placeholder="labels: env=prod,region=eu"
        value="${esc(matrixFilter.clusters)}"></label>
      <label>Releases <input type="search" id="matrix-releases" placeholder="name" value="${esc(matrixFilter.releases)}"></label>
      <span id="matrix-count" class="muted"></span></div>
    <p class="muted legend">✓ Synced · ≠ OutOfSync · ✗ Failed · ‖ Waiting · ● Healthy · ◐ Progressing · ▲ Degraded
      · ○ Missing · ? Unknown · <span class="behind-sample">a1b2c3d</span> behind its source's newest commit</p>
    <div id="matrix-box" tabindex="0" role="region" aria-label="fleet matrix"></div>`;
  const paint = () => {
    const selector = matrixFilter.clusters.split(',').map(s => s.trim()).filter(Boolean).map(s => s.split('='));
    const clusterNames = [...new Set(all.map(t => t.cluster))].sort().filter(c => selector.every(([k, v]) =>
      v === undefined ? k in labels.get(c) || c.includes(k) : (labels.get(c) || {})[k] === v));
    const shownClusters = new Set(clusterNames);
    const releases = [...new Set(all.map(t => t.release))].sort()
      .filter(r => r.toLowerCase().includes(matrixFilter.releases.toLowerCase()));
    const cells = new Map(all.map(t => [t.release + '\u0000' + t.cluster, t]));
    const body = releases.map(r => `<tr><th scope="row"><a href="#/releases/${esc(r)}">${esc(r)}</a></th>${clusterNames
      .map(c => {
        const t = cells.get(r + '\u0000' + c);
        if (!t) {
          return '<td class="none"></td>';
        }
        const behind = t.revision && newest.get(t.source) && t.revision !== newest.get(t.source);
        return `<td class="cell${behind ? ' behind' : ''}" data-target="${esc(c + '/' + r)}"><a href="#/targets/${esc(c + '/' + r)}"
          title="${esc(c + '/' + r + ': ' + t.syncState + ', ' + t.health + ', at ' + (t.revision || 'no commit yet')
          + (behind ? ', behind its source' : ''))}"><span class="${esc(t.syncState)}">${SYMBOL[t.syncState] || '?'}</span>
          <span class="${esc(t.health)}">${SYMBOL[t.health] || '?'}</span> <span class="rev">${t.revision
            ? esc(t.revision.substring(0, 7)) : '-'}</span></a></td>`;
      }).join('')}</tr>`).join('');
    document.getElementById('matrix-box').innerHTML = `<table id="matrix"><thead><tr><th scope="col">Release</th>${clusterNames
      .map(c => `<th scope="col">${esc(c)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
    document.getElementById('matrix-count').textContent = releases.length + ' releases × ' + clusterNames.length
      + ' clusters, ' + all.filter(t => shownClusters.has(t.cluster)).length + ' targets';
  };
  document.getElementById('matrix-clusters').oninput = e => { matrixFilter.clusters = e.target.value; paint(); };
  document.getElementById('matrix-releases').oninput = e => { matrixFilter.releases = e.target.value; paint(); };
  paint();
}

const matrixFilter = { clusters: '', releases: '' };
const SYMBOL = { Synced: '✓', OutOfSync: '≠', Failed: '✗', Waiting: '‖', Healthy: '●', Progressing: '◐',
  Degraded: '▲', Missing: '○' };

/** A release's rollout of its newest commit: its waves as columns of targets, what holds each, Resume and Abort. */
async function showRelease(release) {
  const r = await withCredentials(() => api('GET', '/api/v1/releases/' + encodeURIComponent(release) + '/rollout'));
  shownRelease = release;
  view.innerHTML = `<h1>${esc(r.release)} <span class="${esc(r.state)}" id="rollout-state">${esc(r.state)}</span></h1>
    <p class="muted">rollout of commit ${short(r.commit)}${r.resumed ? ' · resumed past a halt' : ''}</p>
    <div class="bar"><button id="resume">Resume</button> <button id="abort">Abort</button> <span id="result"></span></div>
    <div class="waves">${r.waves.map(w => `<section class="wave${w.done ? ' done' : ''}" data-wave="${esc(w.name)}">
      <h2>${esc(w.name)}${w.done ? ' ✓' : ''}</h2>${w.targets.map(m => `<div class="card" data-target="${esc(m.target)}">
        <a href="#/targets/${esc(m.target)}">${esc(m.target.split('/')[0])}</a>
        <span class="${esc(m.syncState)}">${esc(m.syncState)}</span> <span class="${esc(m.health)}">${esc(m.health)}</span>
        <div class="muted">${short(m.revision)}</div>${m.waiting ? `<div class="Waiting gate">${esc(m.waiting)}</div>` : ''}
      </div>`).join('')}</section>`).join('')}</div>`;
  const result = document.getElementById('result');
  for (const action of ['resume', 'abort']) {
    document.getElementById(action).onclick = async () => {
      try {
        await withCredentials(() => api('POST', '/api/v1/releases/' + encodeURIComponent(release) + '/rollout/' + action));
        await showRelease(release);
      } catch (e) {
        result.className = 'error';
        result.textContent = action + ' refused: ' + e.message;
      }
    };
  }
}

async function showTable(path, headings, cells) {
  const rows = await withCredentials(() => api('GET', path));
  view.innerHTML = `<table><thead><tr>${headings.map(h => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>`
    + rows.map(r => `<tr>${cells(r).map(c => `<td>${esc(c)}</td>`).join('')}</tr>`).join('') + '</tbody></table>';
}

function showPreview() {
  view.innerHTML = `<h1>Preview a ref</h1><div class="bar"><input id="ref" placeholder="branch, tag, commit or refs/pull/N/head">
    <input id="preview-source" placeholder="source (optional with one)"><button id="run-preview">Preview</button></div>
    <div id="preview-result"></div>`;
  document.getElementById('run-preview').onclick = async () => {
    const out = document.getElementById('preview-result');
    out.textContent = 'comparing…';
    try {
      const source = document.getElementById('preview-source').value;
      const answer = await withCredentials(() => api('POST', '/api/v1/preview',
        { ref: document.getElementById('ref').value, ...(source ? { source } : {}) }));
      out.innerHTML = '<table><tbody>' + answer.targets.map(p => `<tr><td>${esc(p.cluster + '/' + p.release)}</td>
        <td class="${esc(p.result)}">${esc(p.result)}</td><td>${esc(p.outOfSync)}</td><td>${esc(p.error || '')}</td></tr>`)
        .join('') + '</tbody></table>';
    } catch (e) {
      out.innerHTML = `<p class="error">${esc(e.message)}</p>`;
    }
  };
}

async function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  try {
    let m;
    shownRelease = null;
    clearInterval(refresh);
    if ((m = hash.match(/^\/targets\/([^/]+\/[^/]+)$/))) {
      await showTarget(m[1]);
    } else if ((m = hash.match(/^\/targets\/([^/]+\/[^/]+)\/objects\/([^/]+\/[^/]+\/[^/]+\/[^/]+)$/))) {
      await showObject(m[1], m[2]);
    } else if (hash === '/matrix') {
      await showMatrix();
    } else if ((m = hash.match(/^\/releases\/([^/]+)$/))) {
      await showRelease(m[1]);
    } else if (hash === '/clusters') {
      await showTable('/api/v1/clusters', ['Cluster', 'Reachable', 'Last contact', 'Error', 'Retry at', 'Watching'],
        c => [c.cluster, c.reachable, c.lastContact, c.lastError, c.retryAt, c.watching.join(', ')]);
    } else if (hash === '/sources') {
      await showTable('/api/v1/sources', ['Source', 'URL', 'Ref', 'Revision', 'Last fetch', 'Error', 'Poll',
        'Webhook', 'Signed commits', 'SOPS keys'], s => [s.name, s.url, s.ref,
        s.revision ? s.revision.substring(0, 12) : '-', s.lastFetch, s.lastError, s.pollInterval, s.webhook,
        s.verifyCommits, s.decryption]);
    } else if (hash === '/preview') {
      showPreview();
    } else {
      await showGrid();
    }
  } catch (e) {
    view.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
}

/**
 * Follows /api/v1/events (Server-Sent Events, read with fetch so that credentials go along), once a read has
 * succeeded. A refusal (401, 403) is not asked again until new credentials are given: the service counts each
 * request with wrong credentials as a failed sign-in, and a page that retried them would lock its user out.
 */
async function follow() {
  await canRead;
  let delay = 1000;
  for (;;) {
    const given = nextCredentials();
    try {
      const response = await fetch('/api/v1/events', { headers: authHeader() });
      if (response.status === 401 || response.status === 403) {
        await given;
        continue;
      }
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      delay = 1000;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.substring(0, end);
          buffer = buffer.substring(end + 2);
          const data = block.split('\n').filter(l => l.startsWith('data: ')).map(l => l.substring(6)).join('');
          if (block.includes('event: target') && data) {
            changed(JSON.parse(data).target);
          }
        }
      }
    } catch (e) {
      // the service restarted, or has too many streams open: try again later
      delay = Math.min(delay * 2, 30000);
    }
    // a stream ends after a while (the service closes old ones): open the next one
    await new Promise(resolve => setTimeout(resolve, delay));
  }
}

async function changed(id) {
  try {
    const t = await api('GET', '/api/v1/targets/' + id);
    targets.set(id, t);
    renderGrid();
    if (shownRelease && shownRelease === t.release) {
      await showRelease(shownRelease);
    }
  } catch (ignored) {
    // the next event or a reload shows it
  }
}

window.addEventListener('hashchange', route);
takeSignIn();
route();
follow();
