//! A case's world: mocked backends and `send-request` targets, the clock, the random seed,
//! named values, secrets, signed test tokens and initial counters.

use super::dec::Dec;
use crate::yaml::Node;
use std::collections::BTreeMap;

/// Everything a case's requests meet besides the policies.
#[derive(Clone, Debug, Default)]
pub struct World {
    /// The clock at the first request, ms since the Unix epoch (default 2024-01-01T00:00:00Z).
    pub clock_ms: Option<u64>,
    /// The seed of `context.RequestId`, `Guid.NewGuid()` and `new Random()` (default 0).
    pub seed: Option<u64>,
    /// Named values replacing the project's (built into the program).
    pub named_values: BTreeMap<String, String>,
    /// Secret named values (resolved at load, as the gateway does).
    pub secrets: BTreeMap<String, String>,
    /// Backends by backend id, or by URL prefix; `*` answers any other.
    pub backends: Mocks,
    /// `send-request` targets by URL prefix; `*` answers any other.
    pub sends: Mocks,
    /// JWTs signed for the case, by name.
    pub tokens: BTreeMap<String, Token>,
    /// `rate-limit-by-key` counters already counted when the case starts.
    pub counters: Vec<Counter>,
    /// Values in the cache when the case starts (`cache-lookup-value` finds them).
    pub cache: Vec<CachedValue>,
}

/// A value in the cache when the case starts.
#[derive(Clone, Debug, PartialEq)]
pub struct CachedValue {
    /// The `cache-lookup-value` key.
    pub key: String,
    /// The value: its text, or the JSON scalar's type (a number is an `int` or `long`, a
    /// boolean a `bool`).
    pub value: serde_json::Value,
    /// How long it stays, ms from the case's clock.
    pub ttl_ms: u64,
}

/// Mocks by key, in the order written.
pub type Mocks = Vec<(String, Vec<MockReply>)>;

/// What a mock does for one call (a list answers calls in turn, its last one repeating).
#[derive(Clone, Debug, PartialEq)]
pub enum MockReply {
    /// An answer.
    Answer {
        /// Status.
        status: u16,
        /// Headers.
        headers: Vec<(String, String)>,
        /// Body.
        body: Vec<u8>,
        /// How long the backend takes (the case's clock moves by it).
        delay_ms: u64,
    },
    /// A failure.
    Fail(Failure, u64),
}

/// How a mocked backend fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Nothing listens.
    Refused,
    /// The connection is reset.
    Reset,
    /// No answer within the request's timeout.
    Timeout,
}

/// A test token: an HS256 JWT signed with `key`.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// The HMAC key's bytes (`key`: its text; `key-base64`: decoded, as APIM's
    /// `validate-jwt` `<issuer-signing-keys><key>` holds it).
    pub key: Vec<u8>,
    /// Claims; `iat` and `exp` are added from the clock unless given.
    pub claims: serde_json::Map<String, serde_json::Value>,
    /// `exp` is the clock plus this many seconds.
    pub expires_in_s: u64,
    /// `kid` header.
    pub kid: Option<String>,
}

/// A counter counted before the case starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counter {
    /// The counter key (a `rate-limit-by-key` `counter-key` value).
    pub key: String,
    /// Calls already counted.
    pub count: u64,
    /// The policy's renewal period, ms.
    pub period_ms: u64,
    /// For a `quota-by-key` counter: its `first-period-start`, ms since 1970 (its windows
    /// are aligned on it); `None` for a `rate-limit-by-key` counter.
    pub quota_start_ms: Option<u64>,
}

impl World {
    /// `self` with what `over` gives replacing or adding to it.
    pub fn merged(&self, over: &World) -> World {
        let mut w = self.clone();
        w.clock_ms = over.clock_ms.or(w.clock_ms);
        w.seed = over.seed.or(w.seed);
        w.named_values.extend(over.named_values.clone());
        w.secrets.extend(over.secrets.clone());
        for (k, v) in &over.backends {
            w.backends.retain(|(x, _)| x != k);
            w.backends.insert(0, (k.clone(), v.clone()));
        }
        for (k, v) in &over.sends {
            w.sends.retain(|(x, _)| x != k);
            w.sends.insert(0, (k.clone(), v.clone()));
        }
        w.tokens.extend(over.tokens.clone());
        w.counters.extend(over.counters.clone());
        w.cache.extend(over.cache.clone());
        w
    }
}

impl Dec {
    /// Decodes a `world`.
    pub(crate) fn world(&mut self, n: &Node) -> World {
        const FIELDS: &[&str] = &[
            "clock",
            "seed",
            "named-values",
            "secrets",
            "backends",
            "send-request",
            "tokens",
            "counters",
            "cache",
        ];
        let mut w = World::default();
        for (k, _, v) in self.map(n, "`world`", FIELDS).unwrap_or_default() {
            match k {
                "clock" => w.clock_ms = self.clock(v),
                "seed" => w.seed = self.u64(v, "`seed`"),
                "named-values" => {
                    w.named_values = self.pairs(v, "`named-values`").into_iter().collect()
                }
                "secrets" => w.secrets = self.pairs(v, "`secrets`").into_iter().collect(),
                "backends" => w.backends = self.mocks(v, "`backends`"),
                "send-request" => w.sends = self.mocks(v, "`send-request`"),
                "tokens" => {
                    for (name, _, t) in self.free_map(v, "`tokens`").unwrap_or_default() {
                        if let Some(t) = self.token(t) {
                            w.tokens.insert(name.to_string(), t);
                        }
                    }
                }
                "cache" => {
                    for c in self.seq(v) {
                        w.cache.extend(self.cached(c));
                    }
                }
                _ => {
                    for c in self.seq(v) {
                        w.counters.extend(self.counter(c));
                    }
                }
            }
        }
        w
    }

    fn clock(&mut self, n: &Node) -> Option<u64> {
        let t = n.text().unwrap_or_default();
        let parsed = t.parse::<u64>().ok().or_else(|| parse_rfc3339_ms(t));
        if parsed.is_none() {
            self.err_help(
                n.pos,
                "`clock` must be a UTC time",
                "write `2024-05-01T12:00:00Z` or milliseconds since 1970",
            );
        }
        parsed
    }

    fn mocks(&mut self, n: &Node, what: &str) -> Mocks {
        let mut out = Vec::new();
        for (k, _, v) in self.free_map(n, what).unwrap_or_default() {
            let replies: Vec<MockReply> = self
                .seq(v)
                .into_iter()
                .filter_map(|r| self.reply(r))
                .collect();
            if replies.is_empty() {
                self.err(v.pos, format!("the mock `{k}` gives no answer"));
            }
            out.push((k.to_string(), replies));
        }
        out
    }

    fn reply(&mut self, n: &Node) -> Option<MockReply> {
        const FIELDS: &[&str] = &["status", "headers", "body", "delay", "failure"];
        let m = self.map(n, "a mocked answer", FIELDS)?;
        let (mut status, mut headers, mut body, mut delay, mut failure) =
            (200, Vec::new(), Vec::new(), 0, None);
        for (k, _, v) in m {
            match k {
                "status" => match self.u64(v, "`status`") {
                    Some(s) if (100..=999).contains(&s) => status = s as u16,
                    Some(_) => self.err(v.pos, "`status` must be between 100 and 999"),
                    None => {}
                },
                "headers" => headers = self.pairs(v, "`headers`"),
                "body" => body = self.body(v, "`body`").unwrap_or_default(),
                "delay" => delay = self.duration_ms(v, "`delay`").unwrap_or(0),
                _ => {
                    failure = match v.text() {
                        Some("refused") => Some(Failure::Refused),
                        Some("reset") => Some(Failure::Reset),
                        Some("timeout") => Some(Failure::Timeout),
                        _ => {
                            self.err_help(
                                v.pos,
                                "unknown `failure`",
                                "expected `refused`, `reset` or `timeout`",
                            );
                            None
                        }
                    }
                }
            }
        }
        Some(match failure {
            Some(f) => MockReply::Fail(f, delay),
            None => MockReply::Answer {
                status,
                headers,
                body,
                delay_ms: delay,
            },
        })
    }

    fn token(&mut self, n: &Node) -> Option<Token> {
        const FIELDS: &[&str] = &["key", "key-base64", "claims", "expires-in", "kid", "alg"];
        let m = self.map(n, "a token", FIELDS)?;
        let mut t = Token {
            key: Vec::new(),
            claims: Default::default(),
            expires_in_s: 3600,
            kid: None,
        };
        let mut has_key = false;
        for (k, _, v) in m {
            match k {
                "key" => {
                    has_key = true;
                    t.key = self.string(v, "`key`").unwrap_or_default().into_bytes();
                }
                "key-base64" => {
                    use base64::Engine;
                    has_key = true;
                    let text = self.string(v, "`key-base64`").unwrap_or_default();
                    match base64::engine::general_purpose::STANDARD.decode(text.trim()) {
                        Ok(b) => t.key = b,
                        Err(_) => self.err(v.pos, "`key-base64` is not base64"),
                    }
                }
                "claims" => match v.to_json() {
                    serde_json::Value::Object(o) => t.claims = o,
                    _ => self.err(v.pos, "`claims` must be a mapping"),
                },
                "expires-in" => {
                    t.expires_in_s = self.duration_ms(v, "`expires-in`").unwrap_or(0) / 1000
                }
                "kid" => t.kid = self.string(v, "`kid`"),
                _ => {
                    if v.text() != Some("HS256") {
                        self.err_help(
                            v.pos,
                            "unsupported `alg`",
                            "test tokens are signed with HS256",
                        );
                    }
                }
            }
        }
        if !has_key {
            self.err(n.pos, "the token has no `key`");
        }
        Some(t)
    }

    fn cached(&mut self, n: &Node) -> Option<CachedValue> {
        let m = self.map(n, "a cached value", &["key", "value", "duration"])?;
        let mut c = CachedValue {
            key: String::new(),
            value: serde_json::Value::Null,
            ttl_ms: 3_600_000,
        };
        let mut has_key = false;
        for (k, _, v) in m {
            match k {
                "key" => {
                    has_key = true;
                    c.key = self.string(v, "`key`").unwrap_or_default();
                }
                "value" => c.value = v.to_json(),
                _ => c.ttl_ms = self.duration_ms(v, "`duration`").unwrap_or(3_600_000),
            }
        }
        if !has_key {
            self.err(n.pos, "the cached value has no `key`");
        }
        Some(c)
    }

    fn counter(&mut self, n: &Node) -> Option<Counter> {
        let m = self.map(
            n,
            "a counter",
            &["key", "count", "period", "quota-first-period-start"],
        )?;
        let mut c = Counter {
            key: String::new(),
            count: 0,
            period_ms: 60_000,
            quota_start_ms: None,
        };
        let mut has_key = false;
        for (k, _, v) in m {
            match k {
                "key" => {
                    has_key = true;
                    c.key = self.string(v, "`key`").unwrap_or_default();
                }
                "count" => c.count = self.u64(v, "`count`").unwrap_or(0),
                "quota-first-period-start" => {
                    c.quota_start_ms = self.clock(v);
                    if c.quota_start_ms.is_none() {
                        c.quota_start_ms = Some(0);
                    }
                }
                _ => c.period_ms = self.duration_ms(v, "`period`").unwrap_or(60_000),
            }
        }
        if !has_key {
            self.err(n.pos, "the counter has no `key`");
        }
        Some(c)
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` as milliseconds since the Unix epoch.
pub fn parse_rfc3339_ms(s: &str) -> Option<u64> {
    let s = s.strip_suffix('Z').or_else(|| s.strip_suffix("+00:00"))?;
    let (date, time) = s.split_once('T')?;
    let mut d = date.splitn(3, '-').map(|x| x.parse::<i64>().ok());
    let (y, mo, da) = (d.next()??, d.next()??, d.next()??);
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut t = hms.splitn(3, ':').map(|x| x.parse::<i64>().ok());
    let (h, mi, se) = (t.next()??, t.next()??, t.next()??);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&da) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let ms: i64 = format!("{frac:0<3}").get(..3)?.parse().ok()?;
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((mo + 9) % 12) + 2) / 5 + da - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let total = ((days * 24 + h) * 60 + mi) * 60 + se;
    u64::try_from(total * 1000 + ms).ok()
}
