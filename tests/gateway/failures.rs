//! Backend failures through a running gateway: connection failures, timeouts, resets,
//! circuit breakers and pool failover.

use super::harness::{backend, dead_addr, get, intern, program_with, reply, start, Proxy};
use gatehouse_runtime::program::{Backend, BackendKind, Breaker, PoolMember, TlsSettings};
use gatehouse_server::ServerConfig;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

fn breaker(count: u32, trip_ms: u64) -> Breaker {
    Breaker {
        name: 0,
        count: Some(count),
        percentage: None,
        interval_ms: 60_000,
        status_ranges: vec![(500, 599)],
        error_reasons: vec![],
        trip_ms,
        accept_retry_after: false,
    }
}

#[tokio::test]
async fn a_backend_that_is_down_is_a_connection_failure() {
    let dead = dead_addr().await;
    let gw = start(
        Proxy::to_url(&format!("http://{dead}")),
        ServerConfig::default(),
    )
    .await;
    let (status, headers, _) = get(gw.addr, "/x").await;
    assert_eq!(status, 502);
    assert_eq!(headers["x-error-reason"], "BackendConnectionFailure");
    let (_, _, metrics) = get(gw.admin, "/metrics").await;
    let text = String::from_utf8_lossy(&metrics);
    assert!(
        text.contains(
            "gatehouse_backend_errors_total{backend=\"url\",reason=\"BackendConnectionFailure\"} 1"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn a_slow_backend_times_out() {
    let slow = backend(|_| async {
        tokio::time::sleep(Duration::from_secs(3)).await;
        reply(200, "late")
    })
    .await;
    let mut proxy = Proxy::to_url(&format!("http://{slow}"));
    proxy.timeout = Duration::from_millis(200);
    let gw = start(proxy, ServerConfig::default()).await;
    let t = std::time::Instant::now();
    let (status, headers, _) = get(gw.addr, "/x").await;
    assert_eq!(status, 504);
    assert_eq!(headers["x-error-reason"], "Timeout");
    assert!(t.elapsed() < Duration::from_secs(2));
    let (_, _, metrics) = get(gw.admin, "/metrics").await;
    assert!(String::from_utf8_lossy(&metrics).contains("gatehouse_backend_timeouts_total 1"));
}

#[tokio::test]
async fn a_backend_that_resets_the_connection_is_a_connection_failure() {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await;
            let _ = s.set_zero_linger();
            drop(s);
        }
    });
    let gw = start(
        Proxy::to_url(&format!("http://{addr}")),
        ServerConfig::default(),
    )
    .await;
    let (status, headers, _) = get(gw.addr, "/x").await;
    assert_eq!(status, 502);
    assert_eq!(headers["x-error-reason"], "BackendConnectionFailure");
}

#[tokio::test]
async fn the_circuit_opens_after_failures_and_answers_503_with_retry_after() {
    let failing = backend(|_| async { reply(500, "boom") }).await;
    let program = program_with(&[format!("http://{failing}")], &[breaker(2, 30_000)]);
    let gw = start(Proxy::to_backend(program, 0), ServerConfig::default()).await;
    for _ in 0..2 {
        assert_eq!(get(gw.addr, "/x").await.0, 500);
    }
    let (status, headers, _) = get(gw.addr, "/x").await;
    assert_eq!(status, 503);
    assert_eq!(headers["x-error-reason"], "BackendUnavailable");
    let secs: u64 = headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("secs");
    assert!((29..=30).contains(&secs), "{secs}");
}

#[tokio::test]
async fn the_circuit_closes_again_after_the_trip_duration() {
    let failing = backend(|req: http::Request<_>| async move {
        if req.uri().path() == "/fail" {
            reply(500, "boom")
        } else {
            reply(200, "ok")
        }
    })
    .await;
    let program = program_with(&[format!("http://{failing}")], &[breaker(1, 300)]);
    let gw = start(Proxy::to_backend(program, 0), ServerConfig::default()).await;
    assert_eq!(get(gw.addr, "/fail").await.0, 500);
    assert_eq!(get(gw.addr, "/ok").await.0, 503);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        get(gw.addr, "/ok").await.0,
        200,
        "the half-open probe goes through"
    );
    assert_eq!(get(gw.addr, "/ok").await.0, 200, "and closes the circuit");
}

#[tokio::test]
async fn a_pool_fails_over_to_the_next_priority_group_when_a_circuit_opens() {
    let dead = dead_addr().await;
    let live = backend(|_| async { reply(200, "from b1") }).await;
    let mut program = program_with(&[format!("http://{dead}"), format!("http://{live}")], &[]);
    program.backends[0].breakers = vec![breaker(2, 60_000)];
    let name = intern(&mut program, "pool");
    program.backends.push(Backend {
        name,
        url: None,
        kind: BackendKind::Pool(vec![
            PoolMember {
                backend: 0,
                priority: 1,
                weight: 1,
            },
            PoolMember {
                backend: 1,
                priority: 2,
                weight: 1,
            },
        ]),
        credentials: Default::default(),
        tls: TlsSettings::default(),
        breakers: vec![],
    });
    let gw = start(Proxy::to_backend(program, 2), ServerConfig::default()).await;
    for _ in 0..2 {
        let (status, headers, _) = get(gw.addr, "/x").await;
        assert_eq!(status, 502);
        assert_eq!(headers["x-error-reason"], "BackendConnectionFailure");
    }
    for _ in 0..3 {
        let (status, _, body) = get(gw.addr, "/x").await;
        assert_eq!((status.as_u16(), &body[..]), (200, &b"from b1"[..]));
    }
}

#[tokio::test]
async fn a_pool_spreads_calls_over_its_group() {
    let a = backend(|_| async { reply(200, "a") }).await;
    let b = backend(|_| async { reply(200, "b") }).await;
    let mut program = program_with(&[format!("http://{a}"), format!("http://{b}")], &[]);
    let name = intern(&mut program, "pool");
    program.backends.push(Backend {
        name,
        url: None,
        kind: BackendKind::Pool(vec![
            PoolMember {
                backend: 0,
                priority: 1,
                weight: 1,
            },
            PoolMember {
                backend: 1,
                priority: 1,
                weight: 1,
            },
        ]),
        credentials: Default::default(),
        tls: TlsSettings::default(),
        breakers: vec![],
    });
    let gw = start(Proxy::to_backend(program, 2), ServerConfig::default()).await;
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(get(gw.addr, "/x").await.2);
    }
    assert_eq!(
        seen,
        ["a", "b", "a", "b"].map(|s| bytes::Bytes::from_static(s.as_bytes()))
    );
}
