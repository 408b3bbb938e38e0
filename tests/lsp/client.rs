//! A JSON-RPC client driving `gatehouse lsp` over its stdio, with bounded waits.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// How long any one answer may take.
const WAIT: Duration = Duration::from_secs(30);

/// A running server and what it has sent that nobody read yet.
pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications received while waiting for responses.
    pub notifications: VecDeque<Value>,
    next_id: i64,
}

impl Client {
    /// Starts `gatehouse lsp`.
    pub fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start gatehouse lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_message(&mut r) {
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            notifications: VecDeque::new(),
            next_id: 1,
        }
    }

    /// A started and initialized server.
    pub fn initialized(root: Option<&Path>) -> Client {
        let mut c = Client::start();
        let root_uri = root.map(uri);
        let result = c.request(
            "initialize",
            json!({"processId": null, "rootUri": root_uri, "capabilities": {}}),
        );
        assert!(
            result["result"]["capabilities"]["hoverProvider"].as_bool() == Some(true),
            "{result}"
        );
        c.notify("initialized", json!({}));
        c
    }

    /// Writes raw bytes as one framed body.
    pub fn send_raw(&mut self, body: &str) {
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.stdin.write_all(frame.as_bytes()).expect("write");
        self.stdin.flush().expect("flush");
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(&body.to_string());
    }

    /// Sends a request and waits for its response (the whole message).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(&body.to_string());
        self.response(&json!(id))
    }

    /// Waits for the response with `id` (`null` for errors about unreadable messages).
    pub fn response(&mut self, id: &Value) -> Value {
        loop {
            let v = self.next();
            if v.get("method").is_some() && v.get("id").is_none() {
                self.notifications.push_back(v);
            } else if &v["id"] == id {
                return v;
            }
        }
    }

    /// The next message, or a panic after the bounded wait.
    pub fn next(&mut self) -> Value {
        self.incoming
            .recv_timeout(WAIT)
            .expect("the server answered within the time limit")
    }

    /// The latest diagnostics published for each URI so far (reads pending output first
    /// by a round trip).
    pub fn diagnostics(&mut self) -> std::collections::BTreeMap<String, Vec<Value>> {
        self.request("gatehouse/unknown-method-flush", json!({}));
        let mut out = std::collections::BTreeMap::new();
        for n in self.notifications.drain(..) {
            if n["method"] == "textDocument/publishDiagnostics" {
                let uri = n["params"]["uri"].as_str().unwrap_or("").to_string();
                let list = n["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                out.insert(uri, list);
            }
        }
        out
    }

    /// Opens a document with `text`.
    pub fn open(&mut self, path: &Path, text: &str) -> String {
        let uri = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "xml", "version": 1, "text": text}}),
        );
        uri
    }

    /// `shutdown` then `exit`; the server's exit code.
    pub fn shutdown(mut self) -> Option<i32> {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    /// Waits (bounded) for the process to end; its exit code.
    pub fn wait(mut self) -> Option<i32> {
        for _ in 0..300 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("the server did not exit");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The `file://` URI of a path (percent-encoding what the server encodes).
pub fn uri(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::from("file://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
