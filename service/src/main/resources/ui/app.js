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

function login(why) {
  return new Promise(resolve => {
    const dialog = document.getElementById('login');
    document.getElementById('login-why').textContent = why || '';
    dialog.returnValue = '';
    dialog.onclose = () => {
      if (dialog.returnValue === 'ok') {
        const user = document.getElementById('login-user').value;
        const secret = document.getElementById('login-password').value;
        sessionStorage.setItem('driftless-auth', user ? 'Basic ' + btoa(user + ':' + secret) : 'Bearer ' + secret);
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
    if (e.status === 401 || e.status === 403) {
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
    <table id="drift"><thead><tr><th>Object</th><th>Change</th><th>Field</th><th>Desired</th><th>Live</th>
      <th>Last writer</th></tr></thead><tbody>${t.drift.map(d => `<tr><td>${esc(d.object)}</td><td>${esc(d.change)}</td>
      <td>${esc(d.path)}</td><td>${esc(JSON.stringify(d.desired))}</td><td>${esc(JSON.stringify(d.live))}</td>
      <td>${esc(d.lastWriter)}</td></tr>`).join('')}</tbody></table>
    <h2>Health</h2><ul>${t.healthDetails.map(h => `<li>${esc(h)}</li>`).join('') || '<li>healthy</li>'}</ul>
    <h2>Last changes</h2><table><tbody>${t.changes.map(c => `<tr><td>${esc(c.object)}</td><td>${esc(c.action)}</td>
      <td class="muted">${esc(c.reason || '')}</td></tr>`).join('')}</tbody></table>
    <h2>History</h2><table><thead><tr><th>At</th><th>Revision</th><th>Result</th><th>Summary</th></tr></thead>
      <tbody>${t.history.map(h => `<tr><td>${esc(h.at)}</td><td>${short(h.revision)}</td><td>${esc(h.result)}</td>
      <td>${esc(h.summary)}${h.error ? ' <span class="error">' + esc(h.error) + '</span>' : ''}</td></tr>`).join('')}</tbody></table>`;
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
  if (t.pin) {
    document.getElementById('unpin').onclick = act('Unpin',
      async () => (await api('POST', '/api/v1/targets/' + id + '/unpin'))[0]);
  }
}

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
    if ((m = hash.match(/^\/targets\/([^/]+\/[^/]+)$/))) {
      await showTarget(m[1]);
    } else if ((m = hash.match(/^\/releases\/([^/]+)$/))) {
      await showRelease(m[1]);
    } else if (hash === '/clusters') {
      await showTable('/api/v1/clusters', ['Cluster', 'Reachable', 'Last contact', 'Error', 'Retry at', 'Watching'],
        c => [c.cluster, c.reachable, c.lastContact, c.lastError, c.retryAt, c.watching.join(', ')]);
    } else if (hash === '/sources') {
      await showTable('/api/v1/sources', ['Source', 'URL', 'Ref', 'Revision', 'Last fetch', 'Error', 'Poll',
        'Webhook', 'Signed commits'], s => [s.name, s.url, s.ref, s.revision ? s.revision.substring(0, 12) : '-',
        s.lastFetch, s.lastError, s.pollInterval, s.webhook, s.verifyCommits]);
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
route();
follow();
