import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMirrorLock } from '../../workspace/mirror-lock.js';

describe('the mirror lock shared by the worker processes of one SWARM_HOME', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'jetpack-mirror-lock-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('waits while another live process holds it, and goes on once it is released', async () => {
    const mirror = path.join(dir, 'held.git');
    await mkdir(`${mirror}.lock`);
    // The parent process (the vitest runner) stands for another worker process of this machine.
    await writeFile(path.join(`${mirror}.lock`, 'owner'), `${hostname()} ${process.ppid}`);
    let ran = false;
    const waiting = withMirrorLock(mirror, async () => {
      ran = true;
    });
    await sleep(150);
    expect(ran).toBe(false);
    await rm(`${mirror}.lock`, { recursive: true });
    await waiting;
    expect(ran).toBe(true);
    expect(existsSync(`${mirror}.lock`)).toBe(false);
  });

  it('takes over a lock whose owner process is gone (a crashed worker)', async () => {
    const mirror = path.join(dir, 'stale.git');
    const dead = spawnSync('true').pid!;
    await mkdir(`${mirror}.lock`);
    await writeFile(path.join(`${mirror}.lock`, 'owner'), `${hostname()} ${dead}`);
    await expect(withMirrorLock(mirror, async () => 'done')).resolves.toBe('done');
  });

  it('runs the operations of one process one at a time', async () => {
    const mirror = path.join(dir, 'serial.git');
    const order: string[] = [];
    const op = (name: string) =>
      withMirrorLock(mirror, async () => {
        order.push(`${name}:start`);
        await sleep(20);
        order.push(`${name}:end`);
      });
    await Promise.all([op('a'), op('b')]);
    expect(order).toEqual(['a:start', 'a:end', 'b:start', 'b:end']);
  });
});
