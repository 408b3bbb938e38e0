//! The gatehouse language server: `check`'s diagnostics as you type, completion, hover,
//! navigation, symbols, folding, quick fixes and formatting for APIM policy documents and
//! whole APIOps projects, over LSP (JSON-RPC on stdio).
//!
//! [`serve`] runs the protocol over any [`lsp_server::Connection`] (stdio for editors, an
//! in-memory pair for tests); [`Workspace`] holds the documents and projects and answers
//! the features, so benches can drive it directly.

mod actions;
mod catalogue;
mod completion;
mod convert;
mod hover;
mod locate;
mod members;
mod names;
mod navigate;
mod outline;
mod project;
mod server;
mod symbols;
mod text;
mod transport;
mod workspace;

pub use server::{serve, Server};
pub use text::{path_to_uri, uri_to_path, LineIndex};
pub use workspace::Workspace;

/// Serves over stdin/stdout until the client exits; returns the process exit code (0
/// after `shutdown` then `exit`, 1 when the client exits without `shutdown` or the
/// stream ends).
pub fn run_stdio() -> u8 {
    let io = transport::Stdio::start();
    let conn = lsp_server::Connection {
        sender: io.sender.clone(),
        receiver: io.receiver.clone(),
    };
    let code = serve(&conn);
    drop(conn);
    io.join();
    code
}
