// O4O monitoring: polls /api/state every 3 s and renders it; actions are POSTs with the session's CSRF token.
(() => {
  'use strict';
  const T = JSON.parse(document.getElementById('o4o-text').textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const lang = document.documentElement.lang;
  const locale = lang === 'ko' ? 'ko-KR' : 'en-GB';
  const $ = (id) => document.getElementById(id);
  const t = (key) => T[key] ?? key;
  const SVG = 'http://www.w3.org/2000/svg';
  let busy = false;
  const openTimelines = new Set();
  // replaceChildren would turn a null into the text "null".
  const present = (child) => child !== null && child !== undefined && child !== false;
  const fill = (id, ...children) => $(id).replaceChildren(...children.flat().filter(present));

  function el(tag, attrs, ...children) {
    const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
      else node.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children.flat().filter(present)) node.append(child.nodeType ? child : String(child));
    return node;
  }

  const time = (iso) => new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  // Today's times alone; other days with their date.
  const dateTime = (iso) => (new Date(iso).toDateString() === new Date().toDateString()
    ? new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })
    : new Date(iso).toLocaleString(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }));
  // The post-mortem's duration units: "5 min" in English, "5분" in Korean.
  const unit = (name, count) => t(`duration.${name}`).replace('{0}', count);
  function ago(iso, now) {
    const s = Math.max(0, (new Date(now) - new Date(iso)) / 1000);
    if (s < 90) return unit('Seconds', Math.round(s));
    if (s < 5400) return unit('Minutes', Math.round(s / 60));
    if (s < 172800) return unit('Hours', (s / 3600).toFixed(1));
    return unit('Days', Math.round(s / 86400));
  }
  const sizeText = (bytes) => (bytes < 1048576 ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : bytes < 1073741824 ? `${(bytes / 1048576).toFixed(1)} MB` : `${(bytes / 1073741824).toFixed(1)} GB`);

  async function post(path, body) {
    const response = await fetch(path, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body || {}),
    });
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
      showError(`${t('actionFailed')}: ${detail}`);
      return false;
    }
    showError(null);
    await refresh();
    return true;
  }

  function showError(message) {
    $('error').hidden = !message;
    $('error').textContent = message || '';
  }

  function components(state) {
    const cards = state.components.map((c) => el('article', { class: `card ${c.status}`, 'data-component': c.name, 'data-status': c.status },
      el('h3', {}, el('span', { class: 'dot', 'aria-hidden': 'true' }), t(c.name)),
      el('p', { class: 'state' }, t(c.state)),
      el('dl', {},
        el('dt', {}, t('since')), el('dd', {}, dateTime(c.since)),
        el('dt', {}, t('restarts')), el('dd', {}, c.restarts),
        c.milliseconds !== null ? [el('dt', {}, t('response')), el('dd', {}, `${c.milliseconds} ms`)] : null,
        c.lastError ? [el('dt', { class: 'error-label' }, t('lastError')), el('dd', { class: 'error-text' }, c.lastError)] : null)));
    fill('components', cards, state.walArchiving ? walArchiving(state.walArchiving, state.now) : null);
  }

  // Red while archive_command fails: every minute of it is a minute a restore cannot reach.
  function walArchiving(w, now) {
    const dated = (segment, at) => (segment ? `${segment} · ${dateTime(at)}` : t('nothingArchived'));
    return el('article', { class: `card wide ${w.status}`, 'data-component': 'wal-archive', 'data-status': w.status },
      el('h3', {}, el('span', { class: 'dot', 'aria-hidden': 'true' }), t('walArchivingTitle')),
      el('p', { class: 'state' }, t(w.state)),
      el('dl', {},
        el('dt', {}, t('lastArchived')), el('dd', { 'data-testid': 'last-archived' }, `${dated(w.lastArchivedWal, w.lastArchivedAt)}${w.lastArchivedAt ? ` (${ago(w.lastArchivedAt, now)})` : ''}`),
        w.lagSeconds !== null ? [el('dt', {}, t('archiveLag')), el('dd', { 'data-testid': 'archive-lag' }, unit('Seconds', Math.round(w.lagSeconds)))] : null,
        w.failedCount !== null ? [el('dt', {}, t('archiveFailures')),
          el('dd', { 'data-testid': 'archive-failures' }, w.lastFailedWal ? `${w.failedCount} (${dated(w.lastFailedWal, w.lastFailedAt)})` : `${w.failedCount}`)] : null,
        el('dt', {}, t('recoveryWindow')), el('dd', { 'data-testid': 'wal-recovery-window' },
          w.recoverableSince ? t('recoverableSince').replace('{0}', dateTime(w.recoverableSince)) : t('noRecoveryWindow')),
        w.error ? [el('dt', { class: 'error-label' }, t('lastError')), el('dd', { class: 'error-text', 'data-testid': 'archive-error' }, w.error)] : null));
  }

  // Patroni's members: who leads, who streams and how far behind; red where a member is down or its Patroni is silent.
  function patroni(state) {
    const p = state.patroni;
    $('patroni-section').hidden = !p;
    if (!p) return;
    const word = (kind, value) => T[`patroni.${kind}.${value}`] ?? value;
    const healthy = (m) => m.answering && (m.state === 'running' || m.state === 'streaming');
    fill('patroni',
      p.error ? el('p', { class: 'alert', 'data-testid': 'patroni-error' }, t('patroniUnread').replace('{0}', p.error)) : null,
      p.members.length ? el('table', { class: 'members', 'data-testid': 'patroni-members' },
        el('thead', {}, el('tr', {}, ['patroniMember', 'patroniRole', 'patroniState', 'patroniTimeline', 'patroniLag', 'patroniRest'].map((key) => el('th', { scope: 'col' }, t(key))))),
        el('tbody', {}, p.members.map((m) => el('tr', { 'data-member': m.name, 'data-role': m.role, 'data-state': m.state, class: healthy(m) ? null : 'error-text' },
          el('th', { scope: 'row' }, m.name),
          el('td', {}, m.role ? word('role', m.role) : '-'),
          el('td', {}, word('state', m.state)),
          el('td', {}, m.timeline ?? '-'),
          el('td', {}, m.lagBytes === null ? '-' : t('lagBytes').replace('{0}', m.lagBytes.toLocaleString(locale))),
          el('td', {}, m.answering ? t('patroniAnswers') : t('patroniSilent')))))) : null,
      el('p', { class: 'help' }, `${t('patroniRead')} ${time(p.at)}`));
  }

  function chart(name, samples, marks, now) {
    const width = 560, height = 130, left = 44, bottom = 18;
    // The last hour, or less while the conductor has not run that long: a fresh chart is not a sliver at the right edge.
    const end = new Date(now).getTime();
    const first = samples.length ? new Date(samples[0].at).getTime() : end;
    const start = Math.max(end - 3600 * 1000, Math.min(first, end - 120 * 1000));
    const x = (iso) => left + ((new Date(iso).getTime() - start) / (end - start)) * (width - left - 4);
    const answered = samples.filter((s) => s.milliseconds !== null);
    // Scaled to the 95th percentile, so one slow first request does not flatten the rest; spikes are clipped at the top.
    const sorted = answered.map((s) => s.milliseconds).sort((a, b) => a - b);
    const max = Math.max(10, sorted.length ? sorted[Math.floor((sorted.length - 1) * 0.95)] * 1.5 : 10);
    const y = (ms) => 4 + (1 - Math.min(ms, max) / max) * (height - bottom - 8);
    const svg = el('svg:svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${t('chart')}: ${t(name)}` });
    svg.append(el('svg:line', { x1: left, x2: width - 4, y1: height - bottom, y2: height - bottom, class: 'axis' }));
    for (const ms of [0, max / 2]) {
      svg.append(el('svg:text', { x: left - 6, y: y(ms) + 4, class: 'tick', 'text-anchor': 'end' }, `${Math.round(ms)}`));
    }
    for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
      const at = new Date(start + fraction * (end - start)).toISOString();
      const anchor = fraction === 0 ? 'start' : fraction === 1 ? 'end' : 'middle';
      svg.append(el('svg:text', { x: x(at), y: height - 4, class: 'tick', 'text-anchor': anchor }, time(at).slice(0, end - start > 1800000 ? 5 : 8)));
    }
    for (const mark of marks) {
      svg.append(el('svg:line', { x1: x(mark.at), x2: x(mark.at), y1: 4, y2: height - bottom, class: `mark ${mark.kind}` },
        el('svg:title', {}, `${time(mark.at)} ${mark.text}`)));
    }
    if (answered.length > 1) {
      const points = answered.map((s) => `${x(s.at).toFixed(1)},${y(s.milliseconds).toFixed(1)}`).join(' ');
      svg.append(el('svg:polyline', { points, class: 'line' }));
    }
    for (const s of samples.filter((s) => s.milliseconds === null)) {
      svg.append(el('svg:circle', { cx: x(s.at), cy: height - bottom - 3, r: 3, class: 'failed' }, el('svg:title', {}, `${time(s.at)} ${s.error}`)));
    }
    return el('figure', { class: 'chart' }, el('figcaption', {}, t(name)), samples.length ? svg : el('p', { class: 'help' }, t('noSamples')));
  }

  function charts(state) {
    const supervisedBy = (name) => (name === 'database' ? 'database' : 'platform');
    const figures = ['api', 'admin', 'site', 'database'].map((name) =>
      chart(name, state.samples[name] || [], state.marks.filter((m) => m.component === supervisedBy(name)
        || (name !== 'database' && m.component === 'releases')), state.now));
    fill('charts', figures);
  }

  // What runs, what a rollback goes back to, and whether the release last switched to is still on probation.
  function releases(state) {
    const r = state.releases;
    const named = (release) => `${release.name} · ${release.version}${release.commit ? ` · ${release.commit.slice(0, 12)}` : ''}`;
    const decided = r.watch && r.watch.outcome && r.watch.outcome !== 'passed';
    fill('releases',
      el('dl', {},
        el('dt', {}, t('currentRelease')),
        el('dd', { 'data-testid': 'current-release' }, r.current
          ? `${named(r.current)}${r.current.since ? ` · ${t('currentSince').replace('{0}', dateTime(r.current.since))}` : ''}` : t('noRelease')),
        el('dt', {}, t('previousRelease')),
        el('dd', { 'data-testid': 'previous-release' }, r.previous ? named(r.previous) : t('noPreviousRelease')),
        el('dt', {}, t('watchWindow')),
        el('dd', { 'data-testid': 'watch-window', class: decided ? 'error-text' : null }, watchText(r.watch, state.now))),
      el('h3', {}, t('releaseEvents')),
      r.events.length
        ? el('ol', { class: 'timeline', 'data-testid': 'release-events' }, r.events.map((e) => el('li', {},
          el('time', { datetime: e.at }, time(e.at)), ' ', el('strong', { 'data-kind': e.kind }, T[`kind.${e.kind}`] ?? e.kind), ` ${e.text}`)))
        : el('p', { class: 'help' }, t('noReleaseEvents')));
  }

  function watchText(w, now) {
    if (!w) return t('watchNone');
    const fillIn = (key, values) => Object.entries(values).reduce((text, [name, value]) => text.replace(`{${name}}`, value), t(key));
    if (w.outcome === 'passed') return fillIn('watchPassed', { release: w.release, at: dateTime(w.outcomeAt) });
    if (w.outcome === 'rolledBack') return fillIn('watchRolledBack', { release: w.release, at: time(w.outcomeAt), reason: w.reason });
    if (w.outcome === 'rollbackFailed') return fillIn('watchRollbackFailed', { release: w.release, reason: w.reason });
    return fillIn('watchOpen', {
      release: w.release,
      left: ago(now, w.endsAt),
      rate: w.requests > 0 ? `${((100 * w.serverErrors) / w.requests).toFixed(1)} %` : '-',
      errors: Math.round(w.serverErrors),
      requests: Math.round(w.requests),
    });
  }

  function toggle(label, on, path, detail) {
    return el('div', { class: 'control' },
      el('div', {}, el('span', { class: 'label', id: `label-${path}` }, label), ' ',
        el('span', { class: `pill ${on ? 'on' : 'off'}`, 'data-testid': `${path}-state` }, on ? t('on') : t('off')),
        detail ? el('p', { class: 'help' }, detail) : null),
      el('button', { type: 'button', 'aria-describedby': `label-${path}`, 'data-action': path,
        on: { click: () => post(`/api/${path}`, { on: !on }) } }, on ? t('turnOff') : t('turnOn')));
  }

  function controls(state) {
    const ar = state.autoRecovery;
    const detail = ar.changedBy ? `${t('changedBy')} ${ar.changedBy}, ${dateTime(ar.changedAt)}` : null;
    const maintenance = Object.keys(state.paused).length > 0;
    fill('controls',
      toggle(t('autoRecovery'), ar.enabled, 'auto-recovery', detail),
      toggle(t('maintenance'), maintenance, 'maintenance', maintenance ? Object.values(state.paused).join('; ') : null));
  }

  function incident(view, now) {
    const i = view.incident;
    const noteId = `note-${i.id}`;
    const note = el('input', { id: noteId, type: 'text', maxlength: 500, autocomplete: 'off' });
    const form = el('form', { class: 'note', on: { submit: async (event) => {
      event.preventDefault();
      if (note.value.trim() && await post(`/api/incidents/${i.id}/notes`, { text: note.value })) note.value = '';
    } } }, el('label', { for: noteId }, t('note')), note, el('button', { type: 'submit' }, t('addNote')));
    return el('article', { class: 'incident', 'data-incident': i.id },
      el('h3', {}, `${t('incident')} #${i.id}: ${i.title}`),
      el('dl', {},
        el('dt', {}, t('firstAlert')), el('dd', {}, `${dateTime(i.firstAlertAt)} (${ago(i.firstAlertAt, now)})`),
        el('dt', {}, t('level')), el('dd', { 'data-testid': 'level' }, view.level || t('none')),
        el('dt', {}, t('nextEscalation')), el('dd', {}, view.nextLevel ? `${view.nextLevel}, ${dateTime(view.nextEscalationAt)}` : t('none')),
        i.acknowledgedBy ? [el('dt', {}, t('acknowledgedBy')), el('dd', { 'data-testid': 'acknowledged-by' }, i.acknowledgedBy)] : null),
      el('div', { class: 'actions' },
        i.acknowledgedBy ? null : el('button', { type: 'button', 'data-action': 'ack', on: { click: () => post(`/api/incidents/${i.id}/ack`) } }, t('acknowledge')),
        el('a', { class: 'button quiet', href: `/api/incidents/${i.id}/report?lang=${lang}`, download: `incident-${i.id}.md` }, t('report'))),
      form,
      el('details', { open: openTimelines.has(i.id), on: { toggle: (event) => (event.target.open ? openTimelines.add(i.id) : openTimelines.delete(i.id)) } },
        el('summary', {}, `${t('timeline')} (${view.timeline.length})`),
        el('ol', { class: 'timeline' }, view.timeline.map((e) => el('li', {},
          el('time', { datetime: e.at }, time(e.at)), ' ', el('strong', { 'data-kind': e.kind }, T[`kind.${e.kind}`] ?? e.kind), ` ${e.text} `, el('span', { class: 'actor' }, `— ${e.actor}`))))));
  }

  function incidents(state) {
    fill('incidents', state.incidents.length
      ? state.incidents.map((view) => incident(view, state.now))
      : el('p', { class: 'help', 'data-testid': 'no-incidents' }, t('noIncidents')));
  }

  function sizeChart(archives) {
    const width = 320, height = 70;
    const max = Math.max(...archives.map((a) => a.size));
    const bar = (width - 8) / archives.length;
    const svg = el('svg:svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': t('sizeChart') });
    archives.forEach((a, index) => {
      const h = Math.max(2, (a.size / max) * (height - 8));
      svg.append(el('svg:rect', { x: 4 + index * bar, y: height - 4 - h, width: Math.max(1, bar - 2), height: h, class: 'bar' },
        el('svg:title', {}, `${a.name}: ${sizeText(a.size)}`)));
    });
    return el('figure', { class: 'chart small' }, el('figcaption', {}, t('sizeChart')), svg);
  }

  function backups(state) {
    const b = state.backups;
    const newest = b.archives.at(-1);
    const previous = b.archives.at(-2);
    const job = b.job;
    const running = job && job.succeeded === null;
    const verify = (a) => (a.verified === true ? `✓ ${dateTime(a.verifiedAt)}` : a.verified === false ? t('verifyFailed') : t('notVerified'));
    fill('backups',
      newest ? el('dl', {},
        el('dt', {}, t('newest')), el('dd', { 'data-testid': 'newest-backup' }, newest.name),
        el('dt', {}, t('age')), el('dd', {}, `${ago(newest.createdAt, state.now)} · ${t(b.overdue ? 'Overdue' : 'OnSchedule')} (${t('schedule')} ${b.schedule})`),
        el('dt', {}, t('size')), el('dd', {}, sizeText(newest.size)),
        el('dt', {}, t('verified')), el('dd', { class: newest.verified === false ? 'error-text' : null, 'data-testid': 'newest-verified' }, verify(newest)))
        : el('p', { class: 'help' }, t('noBackups')),
      newest && newest.anomaly && newest.anomaly.suspicious
        ? el('p', { class: 'alert', 'data-testid': 'suspicious-backup' }, `${t('suspiciousWarning')} ${newest.anomaly.reasons.join('; ')}`)
        : previous && newest.size < previous.size * 0.5 ? el('p', { class: 'alert' }, t('shrinkWarning')) : null,
      b.archives.length > 1 ? sizeChart(b.archives) : null,
      el('div', { class: 'actions' },
        el('button', { type: 'button', 'data-action': 'backup', disabled: running, on: { click: () => post('/api/backups') } },
          running ? t('backingUp') : t('backUpNow')),
        job ? el('p', { class: `help ${job.succeeded === false ? 'error-text' : ''}`, 'aria-live': 'polite', 'data-testid': 'backup-job' },
          running ? `${t('backingUp')} ${sizeText(job.dumpedBytes)} ${t('dumped')}` : job.outcome) : null),
      b.archives.length ? el('ol', { class: 'archives', reversed: true }, b.archives.slice(-5).reverse().map((a) =>
        el('li', { 'data-archive': a.name, class: a.anomaly && a.anomaly.suspicious ? 'error-text' : null },
          `${a.name} · ${sizeText(a.size)}${a.anomaly && a.anomaly.suspicious ? ` · ⚠ ${t('suspicious')}` : ''}`))) : null,
      physical(b.physical),
      room(b, state.now));
  }

  // Where the next archive must fit, and how far the off-site copies trail (what o4o status and the alerts watch).
  function room(b, now) {
    const space = b.space;
    const lag = b.offsiteLag;
    const oldest = lag && lag.oldestPending && b.archives.find((a) => a.name === lag.oldestPending);
    return el('dl', { 'data-testid': 'backup-room' },
      space ? [el('dt', {}, t('freeSpace')),
        el('dd', { class: space.fits ? null : 'error-text', 'data-testid': 'free-space' },
          t(space.fits ? 'freeSpaceValue' : 'wouldNotFit').replace('{free}', sizeText(space.free)).replace('{needed}', sizeText(space.needed)))] : null,
      lag ? [el('dt', {}, t('offsite')),
        el('dd', { 'data-testid': 'offsite-lag' }, lag.pending === 0 ? t('offsiteCurrent')
          : t('offsitePending').replace('{count}', lag.pending).replace('{age}', oldest ? ago(oldest.createdAt, now) : '-'))] : null,
      immutable(b.offsiteLock));
  }

  // Whether ransomware holding the bucket's credentials could delete the off-site copies (the bucket's Object Lock).
  function immutable(lock) {
    if (!lock) return null;
    const text = lock.state === 'Enabled' ? t('lockEnabled').replace('{days}', lock.lockDays)
      : lock.state ? t(`lock${lock.state}`) : t('lockUnknown').replace('{reason}', lock.unknown || '-');
    return [el('dt', {}, t('offsiteLock')),
      el('dd', { class: lock.state === 'Enabled' ? null : 'error-text', 'data-testid': 'offsite-lock' }, text)];
  }

  // pgBackRest's newest set and how far back a point-in-time restore reaches; nothing where WAL is not archived.
  function physical(p) {
    if (!p) return null;
    return el('dl', { 'data-testid': 'physical-backups' },
      el('dt', {}, t('newestPhysical')),
      el('dd', { class: p.error ? 'error-text' : null, 'data-testid': 'newest-physical' },
        p.error || (p.newest ? `${p.newest.label} · ${p.newest.type} · ${sizeText(p.newest.repositorySize)} · ${dateTime(p.newest.stopped)}` : t('noPhysical'))),
      el('dt', {}, t('recoveryWindow')),
      el('dd', { 'data-testid': 'recovery-window' },
        p.recoverableSince ? t('restoreSince').replace('{since}', dateTime(p.recoverableSince)).replace('{wal}', p.newestWal || '-') : t('noRecoveryWindow')));
  }

  // Pages that reach nobody are an outage of their own: say so above everything else.
  function notifications(state) {
    const gap = state.notifications;
    $('notifications').hidden = !gap;
    if (!gap) return;
    const channel = gap.missingChannels[0] || 'ops';
    $('notifications').textContent = (gap.noneConfigured ? t('noChannels') : t('missingChannels').replace('{channels}', gap.missingChannels.join(', ')))
      .replaceAll('{channel}', channel);
  }

  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch(`/api/state?lang=${lang}`, { credentials: 'same-origin', cache: 'no-store' });
      if (response.status === 401) { window.location.reload(); return; }
      if (!response.ok) throw new Error(response.statusText);
      const state = await response.json();
      $('offline').hidden = true;
      // Keep what the user is typing: do not rebuild the incidents while a note field has focus.
      const typing = document.activeElement && document.activeElement.closest('#incidents form');
      notifications(state); components(state); patroni(state); charts(state); controls(state); backups(state); releases(state);
      if (!typing) incidents(state);
      $('updated').textContent = `${t('updated')} ${time(state.now)}`;
    } catch {
      $('offline').hidden = false;
    } finally {
      busy = false;
    }
  }

  refresh();
  setInterval(refresh, 3000);
})();
