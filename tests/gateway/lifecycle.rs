//! The gateway's life: admin endpoints, reload under traffic, watching a folder, and
//! graceful shutdown draining a request in flight.

use super::harness::{backend, get, reply, start, Proxy};
use gatehouse_server::metrics::Metrics;
use gatehouse_server::reload::{self, Rebuild};
use gatehouse_server::{Loaded, ServerConfig};
use http::Request;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn admin_answers_health_readiness_and_metrics() {
    let origin = backend(|_| async { reply(200, "ok") }).await;
    let gw = start(
        Proxy::to_url(&format!("http://{origin}")),
        ServerConfig::default(),
    )
    .await;
    assert_eq!(get(gw.addr, "/missing").await.0, 404);
    assert_eq!(get(gw.addr, "/x").await.0, 200);
    assert_eq!(get(gw.admin, "/healthz").await.0, 200);
    assert_eq!(get(gw.admin, "/readyz").await.0, 200);
    assert_eq!(get(gw.admin, "/nope").await.0, 404);
    let (status, headers, body) = get(gw.admin, "/metrics").await;
    assert_eq!(status, 200);
    assert!(headers["content-type"]
        .to_str()
        .expect("ascii")
        .starts_with("text/plain"));
    let text = String::from_utf8_lossy(&body);
    for line in [
        "gatehouse_requests_total{api=\"proxy\",operation=\"all\",status=\"404\"} 1",
        "gatehouse_requests_total{api=\"proxy\",operation=\"all\",status=\"200\"} 1",
        "gatehouse_request_duration_seconds_count 2",
        "# TYPE gatehouse_request_duration_seconds histogram",
    ] {
        assert!(text.contains(line), "missing {line} in\n{text}");
    }
    gw.shutdown.trigger();
    assert_eq!(get(gw.admin, "/readyz").await.0, 503, "draining");
    assert_eq!(get(gw.admin, "/healthz").await.0, 200);
}

fn rebuild_to(url: String, tag: &'static str) -> Rebuild<Proxy> {
    Arc::new(move || {
        let mut p = Proxy::to_url(&url);
        p.tag = tag;
        Loaded::new(p, &Default::default())
    })
}

#[tokio::test]
async fn reload_under_traffic_fails_no_request() {
    let origin = backend(|_| async { reply(200, "ok") }).await;
    let url = format!("http://{origin}");
    let gw = start(Proxy::to_url(&url), ServerConfig::default()).await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (addr, stop) = (gw.addr, stop.clone());
        clients.push(tokio::spawn(async move {
            let (mut ok, mut tags) = (0, Vec::new());
            while !stop.load(Ordering::Relaxed) {
                let (status, headers, _) = get(addr, "/x").await;
                assert_eq!(status, 200);
                tags.push(headers["x-program"].to_str().expect("ascii").to_string());
                ok += 1;
            }
            (ok, tags)
        }));
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(reload::reload(&gw.shared, &rebuild_to(url.clone(), "v2")).await);
    let failing: Rebuild<Proxy> = Arc::new(|| Err("apis/x/policy.xml:1:1: broken".to_string()));
    assert!(
        !reload::reload(&gw.shared, &failing).await,
        "a failed rebuild is reported"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = 0;
    for c in clients {
        let (ok, tags) = c.await.expect("client task");
        total += ok;
        assert_eq!(
            tags.last().map(String::as_str),
            Some("v2"),
            "the failed reload kept v2"
        );
    }
    assert!(total >= 4, "{total} requests");
    let text = gw.shared.metrics.render();
    assert!(
        text.contains("gatehouse_reloads_total{result=\"ok\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("gatehouse_reloads_total{result=\"failed\"} 1"),
        "{text}"
    );
}

#[tokio::test]
async fn watching_a_folder_reloads_on_change() {
    let origin = backend(|_| async { reply(200, "ok") }).await;
    let url = format!("http://{origin}");
    let gw = start(Proxy::to_url(&url), ServerConfig::default()).await;
    let dir = crate::support::TempDir::new("watch");
    dir.write("apis/a/policy.xml", "<policies/>");
    let builds = Arc::new(AtomicUsize::new(0));
    let counter = builds.clone();
    let rebuild: Rebuild<Proxy> = Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        let mut p = Proxy::to_url(&url);
        p.tag = "watched";
        Loaded::new(p, &Default::default())
    });
    tokio::spawn(reload::watch(
        gw.shared.clone(),
        rebuild,
        dir.0.clone(),
        Duration::from_millis(20),
        gw.shutdown.clone(),
    ));
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert_eq!(builds.load(Ordering::SeqCst), 0, "no change, no rebuild");
    dir.write("apis/a/policy.xml", "<policies><inbound/></policies>");
    for _ in 0..100 {
        if builds.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (_, headers, _) = get(gw.addr, "/x").await;
    assert_eq!(headers["x-program"], "watched");
}

#[tokio::test]
async fn shutdown_drains_the_request_in_flight_and_stops_accepting() {
    let slow = backend(|_| async {
        tokio::time::sleep(Duration::from_millis(400)).await;
        reply(200, "done")
    })
    .await;
    let gw = start(
        Proxy::to_url(&format!("http://{slow}")),
        ServerConfig::default(),
    )
    .await;
    let addr = gw.addr;
    let in_flight = tokio::spawn(async move { get(addr, "/slow").await });
    wait_in_flight(&gw.shared.metrics, 1).await;
    gw.shutdown.trigger();
    let (status, _, body) = in_flight.await.expect("request task");
    assert_eq!((status.as_u16(), &body[..]), (200, &b"done"[..]));
    tokio::time::timeout(Duration::from_secs(5), gw.task)
        .await
        .expect("the listener finishes after draining")
        .expect("listener task");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
}

#[tokio::test]
async fn shutdown_gives_up_after_the_drain_bound() {
    let stuck = backend(|_| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        reply(200, "never")
    })
    .await;
    let config = ServerConfig {
        drain_timeout: Duration::from_millis(200),
        ..ServerConfig::default()
    };
    let gw = start(Proxy::to_url(&format!("http://{stuck}")), config).await;
    let addr = gw.addr;
    let req = Request::get(format!("http://{addr}/stuck"))
        .body(Default::default())
        .expect("req");
    let pending = tokio::spawn(super::harness::client().request(req));
    wait_in_flight(&gw.shared.metrics, 1).await;
    gw.shutdown.trigger();
    tokio::time::timeout(Duration::from_secs(2), gw.task)
        .await
        .expect("the drain is bounded")
        .expect("listener task");
    let cut = pending.await.expect("client task");
    assert!(
        cut.is_err(),
        "the stuck request is cut when the drain time is over"
    );
}

#[tokio::test]
async fn h2c_clients_and_http2_backends_are_served() {
    use gatehouse_runtime::program::HttpVersion;
    let origin = backend(|req: Request<hyper::body::Incoming>| async move {
        let v = format!("{:?}", req.version());
        let body = http_body_util::Full::new(bytes::Bytes::from(v));
        http::Response::new(http_body_util::BodyExt::boxed_unsync(
            http_body_util::BodyExt::map_err(body, |e| match e {}),
        ))
    })
    .await;
    let mut proxy = Proxy::to_url(&format!("http://{origin}"));
    proxy.version = HttpVersion::Http2;
    let gw = start(proxy, ServerConfig::default()).await;
    let h2: hyper_util::client::legacy::Client<_, http_body_util::Full<bytes::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .http2_only(true)
            .build_http();
    let resp = h2
        .request(
            Request::get(format!("http://{}/x", gw.addr))
                .body(Default::default())
                .expect("req"),
        )
        .await
        .expect("h2c answer");
    assert_eq!(resp.version(), http::Version::HTTP_2);
    let body = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .expect("body")
        .to_bytes();
    assert_eq!(body, "HTTP/2.0", "the backend was called over HTTP/2");
    let (_, _, h1) = get(gw.addr, "/x").await;
    assert_eq!(h1, "HTTP/2.0", "HTTP/1.1 clients on the same port");
}

/// Waits (at most five seconds) until `n` requests are in flight.
async fn wait_in_flight(metrics: &Metrics, n: u32) -> bool {
    let line = format!("gatehouse_requests_in_flight {n}\n");
    for _ in 0..500 {
        if metrics.render().contains(&line) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[tokio::test]
async fn a_client_that_goes_away_is_no_longer_in_flight() {
    let slow = backend(|_| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        reply(200, "late")
    })
    .await;
    let gw = start(
        Proxy::to_url(&format!("http://{slow}")),
        ServerConfig::default(),
    )
    .await;
    let addr = gw.addr;
    let gone = tokio::spawn(async move { get(addr, "/slow").await });
    assert!(
        wait_in_flight(&gw.shared.metrics, 1).await,
        "the request is in flight"
    );
    gone.abort();
    let _ = gone.await;
    assert!(
        wait_in_flight(&gw.shared.metrics, 0).await,
        "{}",
        gw.shared.metrics.render()
    );
}

/// An engine that panics on a request costs that request a 500, not the gateway.
#[tokio::test]
async fn a_panicking_engine_answers_500_and_serves_on() {
    let origin = backend(|_| async { reply(200, "ok") }).await;
    let gw = start(
        Proxy::to_url(&format!("http://{origin}")),
        ServerConfig::default(),
    )
    .await;
    assert_eq!(get(gw.addr, "/panic").await.0, 500);
    assert_eq!(get(gw.addr, "/x").await.0, 200);
}
