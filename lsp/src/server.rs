//! The protocol: the initialize/shutdown/exit lifecycle, requests and notifications
//! dispatched to the features, errors for everything out of order or malformed.

use crate::text::LineIndex;
use crate::workspace::Workspace;
use crate::{actions, completion, convert, hover, navigate, outline};
use gatehouse_compiler::Diagnostic;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::*;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Where the session is in the LSP lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Waiting for `initialize`.
    Uninitialized,
    /// Serving.
    Running,
    /// `shutdown` received: only `exit` is expected.
    ShutDown,
}

/// The server: the workspace and the lifecycle, answering one message at a time.
pub struct Server {
    /// The documents and projects.
    pub workspace: Workspace,
    phase: Phase,
    /// The diagnostics last published per URI: a file whose diagnostics did not change
    /// is not published again (the edited document always is).
    sent: HashMap<String, Vec<lsp_types::Diagnostic>>,
}

impl Default for Server {
    fn default() -> Self {
        Server::new()
    }
}

/// Runs the server over `conn` until `exit`; returns the exit code (0 after `shutdown`).
pub fn serve(conn: &Connection) -> u8 {
    let mut server = Server::new();
    for msg in &conn.receiver {
        let (out, exit) = server.handle(msg);
        for m in out {
            if conn.sender.send(m).is_err() {
                return 1;
            }
        }
        if let Some(code) = exit {
            return code;
        }
    }
    1
}

/// The result of a request handler: a value, or a JSON-RPC error.
type Answer = Result<Value, (ErrorCode, String)>;

impl Server {
    /// A server waiting for `initialize`.
    pub fn new() -> Server {
        Server {
            workspace: Workspace::default(),
            phase: Phase::Uninitialized,
            sent: HashMap::new(),
        }
    }

    /// Handles one message: the messages to send back, and the exit code when the client
    /// asked to exit. A handler that fails is answered with an internal error.
    pub fn handle(&mut self, msg: Message) -> (Vec<Message>, Option<u8>) {
        match msg {
            Message::Request(req) => {
                let id = req.id.clone();
                let method = req.method.clone();
                let (answer, extra) = match catch_unwind(AssertUnwindSafe(|| self.request(req))) {
                    Ok(r) => r,
                    Err(_) => (
                        Err((ErrorCode::InternalError, format!("`{method}` failed"))),
                        Vec::new(),
                    ),
                };
                let resp = match answer {
                    Ok(v) => Response::new_ok(id, v),
                    Err((code, message)) => Response::new_err(id, code as i32, message),
                };
                let mut out = vec![Message::Response(resp)];
                out.extend(extra);
                (out, None)
            }
            Message::Notification(n) if n.method == "exit" => {
                (Vec::new(), Some(u8::from(self.phase != Phase::ShutDown)))
            }
            Message::Notification(n) => {
                let out =
                    catch_unwind(AssertUnwindSafe(|| self.notification(n))).unwrap_or_default();
                (out, None)
            }
            Message::Response(_) => (Vec::new(), None),
        }
    }

    fn request(&mut self, req: Request) -> (Answer, Vec<Message>) {
        match (self.phase, req.method.as_str()) {
            (Phase::Uninitialized, "initialize") => {
                self.phase = Phase::Running;
                (Ok(initialize_result()), Vec::new())
            }
            (Phase::Uninitialized, _) => (
                Err((
                    ErrorCode::ServerNotInitialized,
                    "expected `initialize` first".into(),
                )),
                Vec::new(),
            ),
            (Phase::ShutDown, _) => (
                Err((
                    ErrorCode::InvalidRequest,
                    "the server is shut down; send `exit`".into(),
                )),
                Vec::new(),
            ),
            (Phase::Running, "initialize") => (
                Err((
                    ErrorCode::InvalidRequest,
                    "`initialize` was already received".into(),
                )),
                Vec::new(),
            ),
            (Phase::Running, "shutdown") => {
                self.phase = Phase::ShutDown;
                (Ok(Value::Null), Vec::new())
            }
            (Phase::Running, method) => (self.feature(method, req.params), Vec::new()),
        }
    }

    fn feature(&mut self, method: &str, params: Value) -> Answer {
        match method {
            "textDocument/completion" => {
                let p: CompletionParams = parse(params)?;
                let pos = p.text_document_position;
                self.at(&pos.text_document.uri, pos.position, |view, off| {
                    to_value(CompletionResponse::Array(completion::complete(view, off)))
                })
            }
            "textDocument/hover" => {
                let p: HoverParams = parse(params)?;
                let pos = p.text_document_position_params;
                self.at(&pos.text_document.uri, pos.position, |view, off| {
                    to_value(hover::hover(view, off).map(|md| Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: md,
                        }),
                        range: None,
                    }))
                })
            }
            "textDocument/definition" => {
                let p: GotoDefinitionParams = parse(params)?;
                let pos = p.text_document_position_params;
                self.at(&pos.text_document.uri, pos.position, |view, off| {
                    to_value(GotoDefinitionResponse::Array(navigate::definition(
                        view, off,
                    )))
                })
            }
            "textDocument/references" => {
                let p: ReferenceParams = parse(params)?;
                let pos = p.text_document_position;
                let decl = p.context.include_declaration;
                self.at(&pos.text_document.uri, pos.position, |view, off| {
                    to_value(navigate::references(view, off, decl))
                })
            }
            "textDocument/documentSymbol" => {
                let p: DocumentSymbolParams = parse(params)?;
                self.at(&p.text_document.uri, Position::default(), |view, _| {
                    let doc = &view.doc;
                    to_value(DocumentSymbolResponse::Nested(outline::document_symbols(
                        &doc.parsed.document,
                        &doc.file.text,
                    )))
                })
            }
            "textDocument/foldingRange" => {
                let p: FoldingRangeParams = parse(params)?;
                self.at(&p.text_document.uri, Position::default(), |view, _| {
                    to_value(outline::folding_ranges(
                        &view.doc.parsed.document,
                        &view.doc.file.text,
                    ))
                })
            }
            "textDocument/codeAction" => {
                let p: CodeActionParams = parse(params)?;
                let key = p.text_document.uri.as_str().to_string();
                let found = self.workspace.diagnostics_of(&key);
                self.at(&p.text_document.uri, Position::default(), |view, _| {
                    to_value(actions::quick_fixes(view, &found, p.range))
                })
            }
            "textDocument/formatting" => {
                let p: DocumentFormattingParams = parse(params)?;
                self.at(&p.text_document.uri, Position::default(), |view, _| {
                    to_value(format_edits(&view.doc.file.text))
                })
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("`{other}` is not supported"),
            )),
        }
    }

    /// Runs `f` on the open document `uri` at `pos`; an error for a document not open.
    fn at(
        &self,
        uri: &Uri,
        pos: Position,
        f: impl FnOnce(&crate::workspace::View<'_>, usize) -> Answer,
    ) -> Answer {
        let Some(view) = self.workspace.view(uri.as_str()) else {
            return Err((
                ErrorCode::InvalidParams,
                format!("`{}` is not open", uri.as_str()),
            ));
        };
        let offset = LineIndex::new(&view.doc.file.text).offset(pos);
        f(&view, offset)
    }

    fn notification(&mut self, n: Notification) -> Vec<Message> {
        if self.phase != Phase::Running {
            return Vec::new();
        }
        let edited = n
            .params
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let published = match n.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = parse::<DidOpenTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let d = p.text_document;
                self.workspace.open(d.uri, d.text, d.version)
            }
            "textDocument/didChange" => {
                let Ok(p) = parse::<DidChangeTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let key = p.text_document.uri.as_str().to_string();
                let Some(doc) = self.workspace.docs.get(&key) else {
                    return Vec::new();
                };
                let text = apply_changes(&doc.file.text, p.content_changes);
                self.workspace.change(&key, text, p.text_document.version)
            }
            "textDocument/didClose" => {
                let Ok(p) = parse::<DidCloseTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                self.workspace.close(p.text_document.uri.as_str())
            }
            _ => return Vec::new(),
        };
        published
            .into_iter()
            .filter_map(|(uri, found)| self.publish(uri, &found, &edited))
            .collect()
    }

    /// The `publishDiagnostics` notification for one file, unless it would repeat the
    /// last one for a file other than the edited one.
    fn publish(&mut self, uri: Uri, found: &[Diagnostic], edited: &str) -> Option<Message> {
        let open = self.workspace.docs.get(uri.as_str());
        let text = match (open, found.first()) {
            (Some(doc), _) => doc.file.text.as_str(),
            (None, Some(d)) => d.file.text.as_str(),
            (None, None) => "",
        };
        let diagnostics = convert::diagnostics(found, text);
        let key = uri.as_str().to_string();
        if key != edited && self.sent.get(&key) == Some(&diagnostics) {
            return None;
        }
        self.sent.insert(key, diagnostics.clone());
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: open.map(|d| d.version),
        };
        Some(Message::Notification(Notification::new(
            "textDocument/publishDiagnostics".into(),
            params,
        )))
    }
}

fn parse<P: DeserializeOwned>(params: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(params)
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid params: {e}")))
}

fn to_value(v: impl serde::Serialize) -> Answer {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

/// Applies incremental (or whole-text) changes in order.
pub fn apply_changes(text: &str, changes: Vec<TextDocumentContentChangeEvent>) -> String {
    let mut text = text.to_string();
    for c in changes {
        match c.range {
            None => text = c.text,
            Some(range) => {
                let idx = LineIndex::new(&text);
                let start = idx.offset(range.start);
                let end = idx.offset(range.end).max(start);
                text.replace_range(start..end, &c.text);
            }
        }
    }
    text
}

/// One edit replacing the whole text with its canonical layout (none when it is in it,
/// or has syntax errors).
fn format_edits(text: &str) -> Vec<TextEdit> {
    let limits = gatehouse_grammar::Limits::default();
    match gatehouse_grammar::format::format_document(text, &limits) {
        Ok(formatted) if formatted != text => {
            let end = LineIndex::new(text).position(text.len());
            vec![TextEdit::new(
                Range::new(Position::new(0, 0), end),
                formatted,
            )]
        }
        _ => Vec::new(),
    }
}

fn initialize_result() -> Value {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(
                ["<", " ", "\"", "'", ".", "{", "("]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    };
    serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": {"name": "gatehouse", "version": env!("CARGO_PKG_VERSION")},
    })
}
