// Smoke test: start `gatehouse lsp` (GATEHOUSE_BIN, else the workspace's debug build) the
// way the extension does, over stdio with vscode-jsonrpc; check that it answers
// `initialize` with the features the extension relies on, publishes diagnostics for an
// opened policy, and shuts down cleanly. Bounded by a timeout.

import { spawn } from "node:child_process";
import * as path from "node:path";
import * as assert from "node:assert/strict";
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-jsonrpc/node";

const TIMEOUT_MS = 30_000;

function serverPath(): string {
  if (process.env.GATEHOUSE_BIN) {
    return process.env.GATEHOUSE_BIN;
  }
  return path.resolve(__dirname, "../../../../target/debug/gatehouse");
}

async function main(): Promise<void> {
  const timer = setTimeout(() => {
    console.error("smoke test: no answer within the time limit");
    process.exit(1);
  }, TIMEOUT_MS);
  const child = spawn(serverPath(), ["lsp"], { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const conn = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const diagnostics = new Promise<any>((resolve) => {
    conn.onNotification("textDocument/publishDiagnostics", (params: any) => resolve(params));
  });
  conn.listen();

  const init: any = await conn.sendRequest("initialize", {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
  });
  assert.equal(init.serverInfo.name, "gatehouse");
  assert.equal(init.capabilities.hoverProvider, true);
  assert.ok(init.capabilities.completionProvider, "completion");
  assert.equal(init.capabilities.definitionProvider, true);
  await conn.sendNotification("initialized", {});

  const uri = "file:///tmp/gatehouse-vscode-smoke.xml";
  await conn.sendNotification("textDocument/didOpen", {
    textDocument: {
      uri,
      languageId: "xml",
      version: 1,
      text: "<policies><inbound><set-heder /></inbound></policies>",
    },
  });
  const published = await diagnostics;
  assert.equal(published.uri, uri);
  const codes = published.diagnostics.map((d: any) => d.code);
  assert.ok(codes.includes("gatehouse::unknown-policy"), `codes: ${codes}`);

  await conn.sendRequest("shutdown");
  await conn.sendNotification("exit");
  assert.equal(await exited, 0);
  conn.dispose();
  clearTimeout(timer);
  console.log("smoke test: gatehouse lsp answered initialize, published diagnostics and exited");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
