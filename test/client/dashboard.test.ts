import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../client/dashboard/server.js';
import { createFixtureRepo, MUL, MUL_TEST, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

/** Debian's Chromium (scripts/setup.sh installs it), driven by playwright-core. */
const CHROMIUM =
  process.env.CHROMIUM_PATH ?? execFileSync('sh', ['-c', 'command -v chromium || true']).toString().trim();
/** Where the review screenshot goes (docs/dashboard.png in the repository is one of these). */
const SCREENSHOT = process.env.DASHBOARD_SCREENSHOT ?? path.join(tmpdir(), 'jetpack-dashboard.png');

describe('swarm dashboard in a real browser', () => {
  let stack: TestStack;
  let dashboard: Dashboard;
  let browser: Browser;
  let page: Page;
  const boardRequests: string[] = [];
  let repo: string;

  beforeAll(async () => {
    expect(CHROMIUM, 'chromium is not installed: run scripts/setup.sh (apt-get install chromium)').not.toBe('');
    stack = await createTestStack();
    repo = await createFixtureRepo(path.join(tempDir('dashboard'), 'repo'), nodeProjectFiles());
    dashboard = await startDashboard({
      store: stack.store,
      client: stack.client,
      temporalUiUrl: 'http://localhost:8233',
      port: 0,
      refreshMs: 250,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) boardRequests.push(new URL(r.url()).pathname);
    });
    await page.goto(dashboard.url);
    await page.waitForSelector('#connection.live');
    // Set once: still there at the end only if the page was never reloaded.
    await page.evaluate(() => Object.assign(globalThis, { loadedOnce: true }));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await stack?.teardown();
  });

  const cardIn = (column: string, id: string) => `[data-column="${column}"] [data-task-id="${id}"]`;

  it('moves a task from running to succeeded on the board without a reload, with its details on click', async () => {
    // The agent's first step runs a command for a while: the running column has time to show it.
    const description = [
      '```run\nsleep 2\n```',
      writeBlock('src/mul.js', MUL),
      writeBlock('test/mul.test.js', MUL_TEST),
    ].join('\n');
    const task = await stack.client.createTask({ title: 'Multiply on the board', description, repo });
    await page.waitForSelector(cardIn('queued', task.id), { timeout: 10_000 });
    const worker = await stack.createWorker();
    await worker.runUntil(async () => {
      await page.waitForSelector(cardIn('running', task.id), { timeout: 30_000 });
      await stack.client.waitForResult(task.id);
      await page.waitForSelector(cardIn('succeeded', task.id), { timeout: 10_000 });
    });
    expect(await page.evaluate(() => (globalThis as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    // The board came over the event stream only: the page never polled.
    expect(boardRequests.filter((p) => p !== '/api/events')).toEqual([]);
    const card = page.locator(cardIn('succeeded', task.id));
    expect(await card.locator('a').getAttribute('href')).toBe(
      `http://localhost:8233/namespaces/default/workflows/task-${task.id}`,
    );
    await card.click();
    await expect
      .poll(() => page.locator('#details pre').textContent())
      .toMatch(/attempt 1: checks_passed[\s\S]*pass test/);
    await expect.poll(() => page.locator('#agents tbody tr').count()).toBeGreaterThan(0);
  }, 90_000);

  it('resumes a task paused for its budget when the approve button is pressed', async () => {
    const description = [writeBlock('src/mul.js', MUL), writeBlock('test/mul.test.js', MUL_TEST)].join('\n');
    const task = await stack.client.createTask({ title: 'Over budget', description, repo, budget: { maxTokens: 50 } });
    const worker = await stack.createWorker();
    await worker.runUntil(async () => {
      const button = page.locator(`${cardIn('awaiting_approval', task.id)} button[data-action="approve"]`);
      await button.waitFor({ timeout: 30_000 });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      await button.click();
      await page.waitForSelector(cardIn('succeeded', task.id), { timeout: 30_000 });
    });
    expect(await stack.store.results.get(task.id)).toMatchObject({ status: 'succeeded' });
  }, 90_000);

  it('asks for a token when bound beyond loopback, and refuses writes without its header', async () => {
    const open = await startDashboard({
      store: stack.store,
      client: stack.client,
      temporalUiUrl: 'http://x',
      host: '0.0.0.0',
      port: 0,
    });
    try {
      expect(open.token).toMatch(/^[\w-]{20,}$/);
      const base = open.url.replace('0.0.0.0', '127.0.0.1').split('?')[0]!;
      expect((await fetch(`${base}api/board`)).status).toBe(401);
      expect((await fetch(`${base}api/board?token=wrong-token-wrong-token`)).status).toBe(401);
      expect((await fetch(`${base}api/board?token=${open.token}`)).status).toBe(200);
      const approve = await fetch(`${base}api/tasks/x/approve?token=${open.token}`, { method: 'POST', body: '{}' });
      expect(approve.status).toBe(403);
    } finally {
      await open.close();
    }
    expect(dashboard.token).toBeNull();
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });
});
