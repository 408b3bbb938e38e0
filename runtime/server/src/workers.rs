//! Every core used: the gateway listener served by one current-thread runtime per core,
//! each on its own `SO_REUSEPORT` socket bound to the same address (the kernel spreads
//! new connections across them, as across nginx's workers), each with its own backend
//! connection pools ([`crate::backend::client::set_worker`]).
//!
//! What the runtimes share is shared as with one runtime: the program ([`Shared`]'s
//! `ArcSwap`, so a reload reaches all of them), the stores and key caches the engine
//! holds, metrics, tokens and the shutdown switch. The main runtime serves the first
//! socket and everything else (admin, reload, refreshers); the others serve only the
//! gateway.

use super::shutdown::Shutdown;
use super::tls_server::TlsServer;
use super::{backend, listener, Engine, Shared};
use std::net::SocketAddr;
use std::sync::{mpsc, Arc};
use tokio::net::{TcpListener, TcpSocket};

/// Connections waiting to be accepted, per socket.
const BACKLOG: u32 = 4096;

/// A listening socket on `addr` that other sockets may share (`SO_REUSEPORT`); call it
/// inside the runtime that serves it.
pub fn bind_shared(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    #[cfg(unix)]
    socket.set_reuseport(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// The first of `addrs` (a resolved `--listen`) a shared socket binds to.
pub fn bind_first(addrs: impl IntoIterator<Item = SocketAddr>) -> std::io::Result<TcpListener> {
    let mut last = std::io::Error::new(std::io::ErrorKind::InvalidInput, "no address");
    for a in addrs {
        match bind_shared(a) {
            Ok(l) => return Ok(l),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The serving runtimes after the main one.
#[derive(Debug, Default)]
pub struct Workers {
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Workers {
    /// Starts `extra` runtimes (numbered from 1), each serving its own socket on `addr`
    /// (the address the main runtime's socket is bound to) until `stop`, then draining.
    /// Returns once every socket is bound, or the first error.
    pub fn start<E: Engine>(
        extra: usize,
        addr: SocketAddr,
        shared: &Arc<Shared<E>>,
        stop: &Shutdown,
        tls: Option<&Arc<TlsServer>>,
    ) -> Result<Workers, String> {
        let mut workers = Workers::default();
        for i in 1..=extra {
            let (bound_tx, bound_rx) = mpsc::channel();
            let (shared, stop, tls) = (shared.clone(), stop.clone(), tls.cloned());
            let thread = std::thread::Builder::new()
                .name(format!("gatehouse-worker-{i}"))
                .spawn(move || serve_one(i, addr, shared, stop, tls, bound_tx))
                .map_err(|e| format!("cannot start worker {i}: {e}"))?;
            workers.threads.push(thread);
            match bound_rx.recv() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(format!("worker {i} cannot listen on {addr}: {e}")),
                Err(_) => return Err(format!("worker {i} stopped before listening")),
            }
        }
        Ok(workers)
    }

    /// Waits for every runtime to finish draining (after the shutdown switch).
    pub fn join(self) {
        for t in self.threads {
            let _ = t.join();
        }
    }
}

/// Runtime `i`: binds, reports, serves until `stop`.
fn serve_one<E: Engine>(
    i: usize,
    addr: SocketAddr,
    shared: Arc<Shared<E>>,
    stop: Shutdown,
    tls: Option<Arc<TlsServer>>,
    bound: mpsc::Sender<Result<(), String>>,
) {
    backend::client::set_worker(i);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            let _ = bound.send(Err(e.to_string()));
            return;
        }
    };
    runtime.block_on(async move {
        let l = match bind_shared(addr) {
            Ok(l) => l,
            Err(e) => {
                let _ = bound.send(Err(e.to_string()));
                return;
            }
        };
        let _ = bound.send(Ok(()));
        match tls {
            Some(t) => listener::serve_tls(l, shared, stop, t).await,
            None => listener::serve(l, shared, stop).await,
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sockets_share_one_address() {
        let a = bind_first(["127.0.0.1:0".parse().expect("addr")]).expect("bind");
        let addr = a.local_addr().expect("addr");
        let b = bind_shared(addr).expect("a second socket on the same port");
        assert_eq!(b.local_addr().expect("addr"), addr);
        // Both accept: connect until each has taken one (bounded).
        let (mut got_a, mut got_b) = (false, false);
        let mut held = Vec::new();
        for _ in 0..200 {
            held.push(tokio::net::TcpStream::connect(addr).await.expect("connect"));
            let wait = std::time::Duration::from_millis(20);
            tokio::select! {
                r = a.accept() => got_a |= r.is_ok(),
                r = b.accept() => got_b |= r.is_ok(),
                _ = tokio::time::sleep(wait) => {}
            }
            if got_a && got_b {
                break;
            }
        }
        assert!(got_a && got_b, "connections reach both sockets");
    }
}
