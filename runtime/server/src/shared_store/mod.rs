//! The Redis store shared by gateway replicas (`gatehouse run --redis`): counters updated
//! atomically by server-side Lua scripts, and values and responses with their time to live.
//!
//! The engine is synchronous, so each call is sent to the store's own runtime thread (which
//! holds the auto-reconnecting [`ConnectionManager`]) and waited for, at most
//! [`RedisOptions::timeout`]. When Redis fails, the store is marked down ([`health`]): calls
//! stop going to Redis and each policy family falls back as docs/deploy.md documents (rate
//! limits to per-replica counters, quotas open, caches miss) until a probe reaches Redis
//! again.

mod health;
mod scripts;

use bytes::Bytes;
use gatehouse_runtime::state::{
    stored_key, CacheStats, CacheStore, CounterLimits, LocalRates, Period, RateCheck, RateStore,
};
use health::{Family, Health};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::{Handle, RuntimeFlavor};

/// Settings of the Redis store.
#[derive(Clone, Copy, Debug)]
pub struct RedisOptions {
    /// Longest wait for one Redis call; past it the call fails (and the store goes down).
    pub timeout: Duration,
    /// Interval of the probe that finds Redis again after a failure.
    pub probe: Duration,
    /// Largest value cached (as the in-process cache's entry limit).
    pub max_entry_bytes: usize,
    /// Longest key sent as written; longer keys are sent as their SHA-256.
    pub max_key_bytes: usize,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            timeout: Duration::from_millis(250),
            probe: Duration::from_millis(500),
            max_entry_bytes: 1 << 20,
            max_key_bytes: 128,
        }
    }
}

/// How long a quota window's counter outlives the window's end, ms.
const QUOTA_MARGIN_MS: u64 = 60_000;

/// Prefix of every key gatehouse writes.
const PREFIX: &[u8] = b"gatehouse:";

/// A Redis server as the counter store and the external cache of every replica using it.
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    manager: ConnectionManager,
    /// The store's runtime (one thread, kept alive while `_stop` is held).
    rt: Handle,
    _stop: tokio::sync::oneshot::Sender<()>,
    options: RedisOptions,
    health: Arc<Health>,
    /// Rate-limit counters while Redis is down (per replica).
    local: LocalRates,
    cache: CacheStats,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("server", &self.inner.health.server)
            .field("up", &self.inner.health.is_up())
            .finish()
    }
}

impl RedisStore {
    /// A store on the server of `url` (`redis://[:PASSWORD@]HOST:PORT[/DB]`, `rediss://`
    /// for TLS). The connection is made on first use and remade whenever it breaks; only a
    /// malformed URL is an error here. `counters` bound the per-replica fallback counters.
    pub fn open(
        url: &str,
        options: RedisOptions,
        counters: CounterLimits,
    ) -> Result<RedisStore, String> {
        let client = redis::Client::open(url).map_err(|e| format!("--redis: {e}"))?;
        // The address only: the URL may hold a password.
        let server = client.get_connection_info().addr().to_string();
        let (rt, stop) = store_runtime()?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(options.timeout.max(Duration::from_millis(100))))
            .set_response_timeout(Some(options.timeout))
            .set_number_of_retries(1)
            .set_max_delay(options.probe);
        let manager = {
            let _in = rt.enter();
            ConnectionManager::new_lazy_with_config(client, config)
                .map_err(|e| format!("--redis {server}: {e}"))?
        };
        Ok(RedisStore {
            inner: Arc::new(Inner {
                manager,
                rt,
                _stop: stop,
                options,
                health: Arc::new(Health::new(server)),
                local: LocalRates::new(counters),
                cache: CacheStats::default(),
            }),
        })
    }

    /// Whether the last call reached Redis (or none failed yet).
    pub fn is_up(&self) -> bool {
        self.inner.health.is_up()
    }

    /// Runs `call` on the store's runtime and waits for its answer; `None` when Redis is
    /// down, fails or is late (the store is then marked down and probed).
    fn call<T, F>(&self, family: Family, call: impl FnOnce(ConnectionManager) -> F) -> Option<T>
    where
        T: Send + 'static,
        F: Future<Output = redis::RedisResult<T>> + Send + 'static,
    {
        let inner = &self.inner;
        if !inner.health.is_up() {
            inner.health.fell_back(family);
            return None;
        }
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let timeout = inner.options.timeout;
        let fut = call(inner.manager.clone());
        inner.rt.spawn(async move {
            let r = tokio::time::timeout(timeout, fut).await;
            let _ = tx.send(r);
        });
        let wait = || rx.recv_timeout(timeout + Duration::from_millis(50));
        let answer = match Handle::try_current() {
            // Let the other tasks of this worker run elsewhere meanwhile.
            Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(wait)
            }
            _ => wait(),
        };
        let error = match answer {
            Ok(Ok(Ok(v))) => return Some(v),
            Ok(Ok(Err(e))) => e.to_string(),
            Ok(Err(_)) | Err(_) => format!("no answer within {} ms", timeout.as_millis()),
        };
        if inner.health.failed(&error) {
            self.probe();
        }
        inner.health.fell_back(family);
        None
    }

    /// Pings Redis every probe interval until it answers, then marks the store up.
    fn probe(&self) {
        let (manager, health) = (self.inner.manager.clone(), self.inner.health.clone());
        let (every, timeout) = (self.inner.options.probe, self.inner.options.timeout);
        self.inner.rt.spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let mut m = manager.clone();
                let cmd = redis::cmd("PING");
                let ping = cmd.query_async::<String>(&mut m);
                if let Ok(Ok(_)) = tokio::time::timeout(timeout, ping).await {
                    health.recovered();
                    return;
                }
            }
        });
    }

    fn key(&self, kind: &[u8], key: &str) -> Vec<u8> {
        let stored = stored_key(key, self.inner.options.max_key_bytes);
        [PREFIX, kind, &stored].concat()
    }

    /// The Redis key of counter `key` in the window of `period` holding `now`, its time to
    /// live in ms (0: never expires) and the window's end.
    fn counter(&self, key: &str, period: Period, now: u64) -> (Vec<u8>, u64, u64) {
        let mut k = self.key(b"c:", key);
        match period.anchor {
            // Rate limits: a window opens at the first call; Redis times it.
            None => (k, period.ms.max(1), 0),
            Some(_) => {
                let (start, end) = period.window_at(now);
                k.extend_from_slice(format!(":{start}").as_bytes());
                // Kept a minute past its end, so replicas whose clocks lag still find it.
                let ttl = match end {
                    u64::MAX => 0,
                    _ => (end - now).saturating_add(QUOTA_MARGIN_MS),
                };
                (k, ttl, end)
            }
        }
    }
}

/// A one-thread runtime of its own, so calls work from any caller (a multi-threaded or
/// single-threaded gateway, a bench); it stops when the returned sender is dropped.
fn store_runtime() -> Result<(Handle, tokio::sync::oneshot::Sender<()>), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the Redis runtime: {e}"))?;
    let handle = rt.handle().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::Builder::new()
        .name("gatehouse-redis".into())
        .spawn(move || {
            let _ = rt.block_on(stopped);
        })
        .map_err(|e| format!("cannot start the Redis thread: {e}"))?;
    Ok((handle, stop))
}

fn family(period: Period) -> Family {
    match period.anchor {
        None => Family::RateLimit,
        Some(_) => Family::Quota,
    }
}

impl RateStore for RedisStore {
    fn hit(&self, key: &str, limit: u64, period: Period, count: u64, now_ms: u64) -> RateCheck {
        let (k, ttl, end) = self.counter(key, period, now_ms);
        let answer = self.call(family(period), move |mut m| async move {
            scripts::hit(&mut m, &k, limit, count, ttl).await
        });
        match answer {
            Some((allowed, used, left_ms)) => RateCheck {
                allowed,
                remaining: limit.saturating_sub(used),
                retry_after: match end {
                    0 => left_ms.div_ceil(1000).max(1),
                    _ => end.saturating_sub(now_ms).div_ceil(1000).max(1),
                },
            },
            None => match family(period) {
                Family::RateLimit => self.inner.local.hit(key, limit, period, count, now_ms),
                _ => RateCheck {
                    allowed: true,
                    remaining: limit,
                    retry_after: 1,
                },
            },
        }
    }

    fn add(&self, key: &str, period: Period, count: u64, now_ms: u64) {
        let (k, ttl, _) = self.counter(key, period, now_ms);
        let done = self.call(family(period), move |mut m| async move {
            scripts::add(&mut m, &k, count, ttl).await
        });
        if done.is_none() && family(period) == Family::RateLimit {
            self.inner.local.add(key, period, count, now_ms);
        }
    }

    fn render_metrics(&self, out: &mut String) {
        self.inner.health.render(out);
    }
}

impl CacheStore for RedisStore {
    fn get(&self, key: &str, _now_ms: u64) -> Option<Bytes> {
        let k = self.key(b"v:", key);
        let found = self
            .call(Family::Cache, move |mut m| async move {
                redis::cmd("GET")
                    .arg(&k)
                    .query_async::<Option<Vec<u8>>>(&mut m)
                    .await
            })
            .flatten();
        self.inner.cache.lookup(found.is_some());
        found.map(Bytes::from)
    }

    fn put(&self, key: &str, value: Bytes, ttl_ms: u64, _now_ms: u64) {
        if ttl_ms == 0 || value.len() > self.inner.options.max_entry_bytes {
            return self.remove(key);
        }
        let k = self.key(b"v:", key);
        let stored = self.call(Family::Cache, move |mut m| async move {
            redis::cmd("SET")
                .arg(&k)
                .arg(&value[..])
                .arg("PX")
                .arg(ttl_ms)
                .query_async::<()>(&mut m)
                .await
        });
        if stored.is_some() {
            self.inner.cache.stored();
        }
    }

    fn remove(&self, key: &str) {
        let k = self.key(b"v:", key);
        self.call(Family::Cache, move |mut m| async move {
            redis::cmd("DEL").arg(&k).query_async::<()>(&mut m).await
        });
    }

    fn render_metrics(&self, store: &str, out: &mut String) {
        self.inner.cache.render(store, out);
    }
}
