//! JSON-RPC over stdio: LSP's `Content-Length` framing, answering malformed messages with
//! errors instead of giving up on the stream.

use crossbeam_channel::{bounded, Receiver, Sender};
use lsp_server::Message;
use std::io::{self, BufRead, Read, Write};
use std::sync::{Arc, Mutex};
use std::thread;

/// The largest message body accepted (an editor's whole-document sync stays far below).
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// JSON-RPC error code: the body is not JSON.
const PARSE_ERROR: i32 = -32700;
/// JSON-RPC error code: JSON, but not a request, response or notification.
const INVALID_REQUEST: i32 = -32600;

/// The server's ends of a stdio transport and the threads moving messages.
pub struct Stdio {
    /// Messages read from the client, in order.
    pub receiver: Receiver<Message>,
    /// Messages to write to the client, in order.
    pub sender: Sender<Message>,
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<()>,
}

impl Stdio {
    /// Starts the reader and writer threads over the process's stdin and stdout.
    pub fn start() -> Stdio {
        let out = Arc::new(Mutex::new(io::stdout()));
        let (to_client, outgoing) = bounded::<Message>(0);
        let (incoming, from_client) = bounded::<Message>(0);
        let w = Arc::clone(&out);
        let writer = thread::spawn(move || {
            for msg in outgoing {
                let Ok(mut stdout) = w.lock() else { return };
                if msg.write(&mut *stdout).is_err() {
                    return;
                }
            }
        });
        let reader = thread::spawn(move || {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            read_loop(&mut input, &incoming, &out);
        });
        Stdio {
            receiver: from_client,
            sender: to_client,
            reader,
            writer,
        }
    }

    /// Waits for both threads once the server has dropped its ends.
    pub fn join(self) {
        drop(self.sender);
        drop(self.receiver);
        let _ = self.writer.join();
        // The reader blocks on stdin until the client closes it; it exits with the process.
        drop(self.reader);
    }
}

/// Reads framed messages until end of input or until the server stops listening.
fn read_loop(input: &mut impl BufRead, incoming: &Sender<Message>, out: &Mutex<io::Stdout>) {
    loop {
        match read_frame(input) {
            Ok(None) => return,
            Ok(Some(Frame::Body(body))) => match parse(&body) {
                Ok(msg) => {
                    if incoming.send(msg).is_err() {
                        return;
                    }
                }
                Err((code, message)) => answer_error(out, code, &message),
            },
            Ok(Some(Frame::Bad(message))) => answer_error(out, INVALID_REQUEST, &message),
            Err(_) => return,
        }
    }
}

/// One framed message, or why its frame could not be read.
enum Frame {
    Body(Vec<u8>),
    Bad(String),
}

/// Reads headers and body; `None` at end of input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<usize> = None;
    let mut bad_header = None;
    let mut saw_any = false;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_any {
                break;
            }
            continue;
        }
        saw_any = true;
        match line.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length `{}`", value.trim())),
                }
            }
            Some(_) => {}
            None => bad_header = Some(format!("malformed header line `{line}`")),
        }
    }
    let Some(length) = length else {
        return Ok(Some(Frame::Bad(
            bad_header.unwrap_or_else(|| "no Content-Length header".into()),
        )));
    };
    if length > MAX_MESSAGE_BYTES {
        io::copy(&mut input.take(length as u64), &mut io::sink())?;
        return Ok(Some(Frame::Bad(format!(
            "message of {length} bytes is larger than the limit of {MAX_MESSAGE_BYTES}"
        ))));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(match bad_header {
        Some(why) => Frame::Bad(why),
        None => Frame::Body(body),
    }))
}

/// A message from a body, or the JSON-RPC error that answers it.
fn parse(body: &[u8]) -> Result<Message, (i32, String)> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| (PARSE_ERROR, format!("the message is not JSON: {e}")))?;
    let shaped = value
        .as_object()
        .is_some_and(|o| o.contains_key("method") || o.contains_key("id"));
    if !shaped {
        return Err((
            INVALID_REQUEST,
            "not a JSON-RPC request, response or notification: expected an object with `method` or `id`".into(),
        ));
    }
    serde_json::from_value::<Message>(value).map_err(|e| {
        (
            INVALID_REQUEST,
            format!("not a JSON-RPC request, response or notification: {e}"),
        )
    })
}

/// Writes an error response with a `null` id (the request's id could not be read).
fn answer_error(out: &Mutex<io::Stdout>, code: i32, message: &str) {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": code, "message": message},
    })
    .to_string();
    if let Ok(mut stdout) = out.lock() {
        let _ = write!(stdout, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = stdout.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Result<Message, String>> {
        let mut r = io::BufReader::new(input.as_bytes());
        let mut out = Vec::new();
        while let Ok(Some(f)) = read_frame(&mut r) {
            out.push(match f {
                Frame::Body(b) => parse(&b).map_err(|e| e.1),
                Frame::Bad(why) => Err(why),
            });
        }
        out
    }

    #[test]
    fn reads_good_and_reports_bad_frames() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "Content-Length: {}\r\n\r\n{good}Content-Length: 3\r\n\r\n{{x}}Content-Length: 2\r\n\r\n[]X-Other: 1\r\n\r\n",
            good.len()
        );
        let got = frames(&input);
        assert_eq!(got.len(), 4, "{got:?}");
        let error = |i: usize| got[i].as_ref().err().cloned().unwrap_or_default();
        assert!(got[0].is_ok());
        assert!(error(1).contains("not JSON"), "{got:?}");
        assert!(error(2).contains("not a JSON-RPC"), "{got:?}");
        assert!(error(3).contains("Content-Length"), "{got:?}");
    }
}
