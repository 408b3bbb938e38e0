// The gatehouse extension: starts `gatehouse lsp` for XML files (APIM policy documents)
// and hands it the workspace, so whole APIOps projects are checked as `gatehouse check` does.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const command = vscode.workspace.getConfiguration("gatehouse").get<string>("path", "gatehouse");
  const serverOptions: ServerOptions = {
    run: { command, args: ["lsp"], transport: TransportKind.stdio },
    debug: { command, args: ["lsp"], transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "xml" }],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{xml,json,yaml,yml}"),
    },
  };
  client = new LanguageClient("gatehouse", "gatehouse", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand("gatehouse.restart", async () => {
      await client?.restart();
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
