// scratch: node bin/run-ts.js test/helpers/try-cli.ts <which>
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { anthropicServer, geminiServer, openAiResponsesServer } from './provider-servers.js';
const which = process.argv[2]!;
const script = { file: 'hello.txt', content: 'hello\n', command: 'cat hello.txt', finalText: 'Done: wrote hello.txt' };
const root = '/root/.cache/jetpack-cloud/agent-clis';
const dir = mkdtempSync('/tmp/exp/w-');
const home = path.join(dir, 'home'); mkdirSync(home); const wt = path.join(dir, 'wt'); mkdirSync(wt);
const server = await (which === 'claude' ? anthropicServer : which === 'codex' ? openAiResponsesServer : geminiServer)(script);
const base = { PATH: process.env.PATH!, HOME: home };
let cmd: string; let args: string[]; let env: Record<string,string>;
if (which === 'claude') {
  cmd = `${root}/claude-code/2.1.332/node_modules/@anthropic-ai/claude-code-linux-x64/claude`;
  args = ['-p', 'write hello', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits', '--allowedTools', 'Bash(cat:*)'];
  env = { ...base, ANTHROPIC_API_KEY: 'sk-ant-test-1234567890', ANTHROPIC_BASE_URL: server.url, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
} else if (which === 'codex') {
  cmd = `${root}/codex/0.171.0/node_modules/.bin/codex`;
  const ch = path.join(home, '.codex'); mkdirSync(ch);
  writeFileSync(path.join(ch, 'config.toml'), `model_provider = "swarm"\n[model_providers.swarm]\nname = "swarm"\nbase_url = "${server.url}/v1"\nenv_key = "CODEX_API_KEY"\nwire_api = "responses"\nsupports_websockets = false\n`);
  args = ['exec', '--json', '--skip-git-repo-check', '--sandbox', process.argv[3] ?? 'workspace-write', 'write hello'];
  env = { ...base, CODEX_API_KEY: 'sk-test-1234567890', CODEX_HOME: ch };
} else {
  cmd = `${root}/gemini-cli/0.61.0/node_modules/.bin/gemini`;
  args = ['-p', 'write hello', '--output-format', 'stream-json', '--approval-mode', 'yolo', '--skip-trust'];
  const gh = path.join(home, 'gemini'); mkdirSync(path.join(gh, '.gemini'), { recursive: true });
  writeFileSync(path.join(gh, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
  env = { ...base, GEMINI_CLI_HOME: gh, GEMINI_API_KEY: 'AIza-test-1234567890', GOOGLE_GEMINI_BASE_URL: server.url };
}
const child = spawn(cmd, args, { cwd: wt, env, stdio: ['ignore', 'inherit', 'inherit'] });
const t = setTimeout(() => child.kill('SIGKILL'), Number(process.env.T ?? 60000));
child.on('close', async (code) => { clearTimeout(t); console.log('EXIT', code); for (const r of server.requests) console.log('REQ', r.method, r.path, r.key, (process.env.FULL ? JSON.stringify(r.body) : JSON.stringify(r.body).slice(0, 300))); await server.close(); });
