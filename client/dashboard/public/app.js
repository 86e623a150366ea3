// The dashboard page: draws the board pushed by the server over server-sent events; fetches a task's
// details only when its card is clicked; approves or rejects budgets through the server.
const token = new URLSearchParams(location.search).get('token');
const withToken = (path) =>
  token ? `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : path;

const COLUMNS = [
  ['queued', 'Queued', ['queued']],
  ['running', 'Running', ['preparing', 'running_agent', 'checking', 'merging']],
  ['awaiting_approval', 'Awaiting approval', ['awaiting_approval']],
  ['succeeded', 'Succeeded', ['succeeded']],
  ['failed', 'Failed / cancelled', ['failed', 'cancelled']],
];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

async function post(path, body) {
  const res = await fetch(withToken(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-swarm-dashboard': '1' },
    body: JSON.stringify(body),
  });
  const answer = await res.json();
  if (!res.ok) alert(answer.error ?? res.statusText);
  return answer;
}

function card(task) {
  const node = el(
    'div',
    {
      class: `card status-${task.status}`,
      'data-task-id': task.id,
      'data-status': task.status,
      onclick: () => showDetails(task.id),
    },
    el('div', { class: 'title', text: task.title }),
    el('div', {
      class: 'meta',
      text: `${task.id} · ${task.status} · attempt ${task.attempt}/${task.maxAttempts} · ${task.modelType}`,
    }),
    el('div', { class: 'meta', text: `${task.tokens} tokens · $${task.costUsd.toFixed(4)}` }),
    el('a', {
      href: task.webUrl,
      target: '_blank',
      rel: 'noopener',
      class: 'meta',
      text: 'Temporal Web UI',
      onclick: (e) => e.stopPropagation(),
    }),
  );
  if (task.failureReason) node.append(el('div', { class: 'reason', text: task.failureReason.slice(0, 200) }));
  if (task.status === 'awaiting_approval') {
    node.append(
      el('button', {
        'data-action': 'approve',
        text: 'Approve',
        onclick: (e) => (e.stopPropagation(), post(`/api/tasks/${task.id}/approve`, {})),
      }),
      el('button', {
        'data-action': 'reject',
        text: 'Reject',
        onclick: (e) => {
          e.stopPropagation();
          const reason = prompt('Why reject this budget?');
          if (reason) post(`/api/tasks/${task.id}/reject`, { reason });
        },
      }),
    );
  }
  return node;
}

function drawBoard(tasks) {
  const board = document.getElementById('board');
  board.replaceChildren(
    ...COLUMNS.map(([key, title, statuses]) => {
      const mine = tasks.filter((t) => statuses.includes(t.status));
      return el(
        'div',
        { class: 'column', 'data-column': key },
        el('h3', { text: `${title} (${mine.length})` }),
        ...mine.map(card),
      );
    }),
  );
}

function drawAgents(agents) {
  document
    .querySelector('#agents tbody')
    .replaceChildren(
      ...agents.map((a) =>
        el(
          'tr',
          { 'data-agent-id': a.id },
          el('td', { text: a.id }),
          el('td', { text: a.modelType }),
          el('td', { class: `agent-${a.status}`, text: a.status }),
          el('td', { text: a.currentTaskId ?? '–' }),
        ),
      ),
    );
}

const palette = ['#3367d6', '#e37400', '#188038', '#a142f4', '#d93025', '#12b5cb'];
let usageChart;
let qualityChart;

function drawUsage(usage) {
  const hours = [...new Set(usage.map((u) => u.hour))];
  const models = [...new Set(usage.map((u) => u.modelType))];
  const series = (model, pick) =>
    hours.map((h) => usage.filter((u) => u.hour === h && u.modelType === model).reduce((n, u) => n + pick(u), 0));
  const datasets = models.flatMap((m, i) => [
    {
      label: `${m} tokens`,
      data: series(m, (u) => u.tokens),
      borderColor: palette[i % palette.length],
      yAxisID: 'tokens',
    },
    {
      label: `${m} $`,
      data: series(m, (u) => u.costUsd),
      borderColor: palette[i % palette.length],
      borderDash: [4, 3],
      yAxisID: 'cost',
    },
  ]);
  const labels = hours.map((h) => h.slice(5, 13).replace('T', ' ') + 'h');
  if (!usageChart) {
    usageChart = new Chart(document.getElementById('usage-chart'), {
      type: 'line',
      data: { labels, datasets },
      options: {
        animation: false,
        scales: { tokens: { position: 'left', beginAtZero: true }, cost: { position: 'right', beginAtZero: true } },
      },
    });
  } else {
    usageChart.data = { labels, datasets };
    usageChart.update();
  }
}

function drawQuality(points) {
  const branches = [...new Set(points.map((p) => `${p.repo.split('/').pop()}:${p.branch}`))];
  const datasets = branches.flatMap((b, i) => {
    const mine = points.filter((p) => `${p.repo.split('/').pop()}:${p.branch}` === b);
    const at = (pick) => mine.map((p) => ({ x: p.at.slice(5, 16).replace('T', ' '), y: pick(p) }));
    const color = palette[i % palette.length];
    return [
      { label: `${b} failing tests`, data: at((p) => p.failedTests), borderColor: color },
      { label: `${b} lint errors`, data: at((p) => p.lintErrors), borderColor: color, borderDash: [4, 3] },
      { label: `${b} type errors`, data: at((p) => p.typeErrors), borderColor: color, borderDash: [1, 3] },
    ];
  });
  const labels = [...new Set(points.map((p) => p.at.slice(5, 16).replace('T', ' ')))];
  if (!qualityChart) {
    qualityChart = new Chart(document.getElementById('quality-chart'), {
      type: 'line',
      data: { labels, datasets },
      options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  } else {
    qualityChart.data = { labels, datasets };
    qualityChart.update();
  }
}

async function showDetails(id) {
  const panel = document.getElementById('details');
  const res = await fetch(withToken(`/api/tasks/${encodeURIComponent(id)}`));
  const shown = await res.json();
  if (!res.ok) return;
  const lines = [];
  for (const a of shown.attempts) {
    lines.push(`attempt ${a.attempt}: ${a.status}${a.summary ? ' — ' + a.summary : ''}`);
    for (const c of shown.checks.filter((c) => c.attempt === a.attempt))
      lines.push(
        `  ${c.passed ? 'pass' : 'FAIL'} ${c.name}${c.round > 1 ? ` (re-check ${c.round - 1})` : ''}: ${c.command} exit ${c.exitCode ?? 'killed'} in ${c.durationMs} ms`,
      );
    for (const g of shown.gates.filter((g) => g.attempt === a.attempt && g.summary)) {
      lines.push(`  gate${g.round > 1 ? ` (re-check ${g.round - 1})` : ''}: ${g.summary}`);
      for (const cause of g.causes) lines.push(`    ${cause}`);
    }
  }
  for (const p of shown.progress ?? [])
    lines.push(
      `now: ${[p.step, p.turn !== undefined ? `turn ${p.turn}` : '', p.action ?? '', p.check ? `running ${p.check}` : ''].filter(Boolean).join(' · ')}`,
    );
  const u = shown.usage;
  panel.replaceChildren(
    el('h2', { text: `${shown.task.title} (${shown.task.id}) — ${shown.task.status}` }),
    el('div', {
      text: `usage: ${u.calls} call(s), ${u.inputTokens} in / ${u.outputTokens} out tokens, $${u.costUsd.toFixed(4)}`,
    }),
    el('a', { href: shown.webUrl, target: '_blank', rel: 'noopener', text: 'Temporal Web UI' }),
    el('pre', { text: lines.join('\n') || 'no attempt yet' }),
  );
  panel.hidden = false;
}

function draw(board) {
  if (board.error) return;
  drawBoard(board.tasks);
  drawAgents(board.agents);
  drawUsage(board.usage);
  drawQuality(board.quality);
  document.getElementById('temporal-link').href = board.temporalUiUrl;
  const s = board.stats;
  const tokens = s.usageByModel.reduce((n, u) => n + u.inputTokens + u.outputTokens, 0);
  const cost = s.usageByModel.reduce((n, u) => n + u.costUsd, 0);
  document.getElementById('totals').textContent =
    `${board.tasks.length} task(s) · ${tokens} tokens · $${cost.toFixed(4)} · gate ${s.gateVerdicts.pass} pass / ${s.gateVerdicts.regression} regression`;
}

// One stream, pushed by the server; the browser never polls. EventSource reconnects by itself.
const events = new EventSource(withToken('/api/events'));
const connection = document.getElementById('connection');
events.addEventListener('open', () => ((connection.textContent = 'live'), (connection.className = 'live')));
events.addEventListener('error', () => ((connection.textContent = 'reconnecting…'), (connection.className = 'lost')));
events.addEventListener('board', (e) => draw(JSON.parse(e.data)));
