// Starts the third-party @dwmkerr/mock-llm server on 127.0.0.1 with an OS-chosen port and writes
// that port to a file once it listens. The package's own main.js takes a fixed PORT and prints
// the requested one (":0"), so this launcher calls the same createServer()/loadConfig() it uses.
// Usage: node start_mock_llm.js NODE_MODULES_DIR CONFIG_YAML PORT_FILE
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, configPath, portFile] = process.argv.slice(2);
if (!modules || !configPath || !portFile) {
  console.error('usage: start_mock_llm.js NODE_MODULES_DIR CONFIG_YAML PORT_FILE');
  process.exit(2);
}
// loadConfig() silently falls back to its echo rule when the file is missing: refuse instead.
if (!fs.existsSync(configPath)) {
  console.error(`start_mock_llm.js: no such config file: ${configPath}`);
  process.exit(2);
}
const dist = path.join(modules, '@dwmkerr', 'mock-llm', 'dist');
const { createServer } = require(path.join(dist, 'server.js'));
const { loadConfig } = require(path.join(dist, 'config.js'));

const config = loadConfig(configPath);
// host and port are only used to print A2A/MCP URLs, which this test does not touch.
const app = createServer(config, '127.0.0.1', 0);
const server = app.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  // Written to a temporary name and renamed, so a reader never sees a half-written port.
  fs.writeFileSync(`${portFile}.tmp`, `${port}\n`);
  fs.renameSync(`${portFile}.tmp`, portFile);
  console.log(`mock-llm listening on 127.0.0.1:${port}`);
});
server.on('error', (err) => {
  console.error(err);
  process.exit(1);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
// If the test script is killed without running its trap (a ctest timeout), do not outlive it.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500).unref();
