import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';

/**
 * Files under `root` (recursively, symbolic links not followed) whose bytes hold `needle`, relative
 * to `root`. Git's objects are compressed, so what this sees in a `.git` is its config, refs, logs
 * and hooks; committed contents are checked on the remote instead.
 */
export async function filesContaining(root: string, needle: string): Promise<string[]> {
  const bytes = Buffer.from(needle);
  const hits: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // removed meanwhile, or not ours to read
    }
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(file);
      else if (entry.isFile()) {
        const stat = await lstat(file).catch(() => undefined);
        if (!stat || stat.size > 64 << 20) continue;
        const content = await readFile(file).catch(() => undefined);
        if (content?.includes(bytes)) hits.push(path.relative(root, file));
      }
    }
  };
  await walk(root);
  return hits;
}

/** Count of files under `root` (to show a scan saw something). */
export async function countFiles(root: string): Promise<number> {
  let n = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (entry.isDirectory()) await walk(path.join(dir, entry.name));
      else if (entry.isFile()) n++;
    }
  };
  await walk(root);
  return n;
}

/** A JSON replacer writing bytes (payload data, however the history was decoded) as UTF-8 text. */
function payloadsAsText(key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value && typeof value === 'object') {
    const { type, data } = value as { type?: unknown; data?: unknown };
    if (type === 'Buffer' && Array.isArray(data)) return Buffer.from(data as number[]).toString('utf8');
  }
  if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
  return value;
}

/**
 * The histories of every workflow on `taskQueue` as JSON, payloads decoded from base64 to text (so
 * a value inside a payload is searchable), keyed by workflow id.
 */
export async function workflowHistories(client: Client, taskQueue: string): Promise<Map<string, string>> {
  const histories = new Map<string, string>();
  for await (const workflow of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = await client.workflow.getHandle(workflow.workflowId, workflow.runId).fetchHistory();
    histories.set(`${workflow.workflowId}/${workflow.runId}`, JSON.stringify(history, payloadsAsText));
  }
  return histories;
}

interface HistoryEvent {
  eventId?: unknown;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: unknown; identity?: string | null } | null;
}

/** The worker identities that started the tries of activity `type` in a workflow's history, in order. */
export async function activityWorkers(client: Client, workflowId: string, type: string): Promise<string[]> {
  const events = ((await client.workflow.getHandle(workflowId).fetchHistory()).events ?? []) as HistoryEvent[];
  const scheduled = new Set(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type)
      .map((e) => String(e.eventId)),
  );
  return events.flatMap((e) => {
    const started = e.activityTaskStartedEventAttributes;
    return started && scheduled.has(String(started.scheduledEventId)) ? [started.identity ?? ''] : [];
  });
}
