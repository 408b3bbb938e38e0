//! The backend table: single backends and pools, credentials, TLS and circuit breakers.

use super::{BackendId, StrId};

/// A backend entity.
#[derive(Clone, Debug, PartialEq)]
pub struct Backend {
    /// Resource name (what `backend-id` names).
    pub name: StrId,
    /// Runtime URL (single backends).
    pub url: Option<StrId>,
    /// Single or pool.
    pub kind: BackendKind,
    /// Injected on every call.
    pub credentials: Credentials,
    /// TLS validation.
    pub tls: TlsSettings,
    /// Circuit-breaker rules.
    pub breakers: Vec<Breaker>,
}

/// Single backend or pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackendKind {
    /// One URL.
    Single,
    /// Members by priority group and weight.
    Pool(Vec<PoolMember>),
}

/// A pool member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolMember {
    /// The member backend (always a single backend).
    pub backend: BackendId,
    /// Priority group, lower first.
    pub priority: u32,
    /// Weight within its group.
    pub weight: u32,
}

/// Credentials injected into forwarded requests. Values may hold secret references.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Credentials {
    /// Headers: name, values.
    pub headers: Vec<(StrId, Vec<StrId>)>,
    /// Query parameters: name, values.
    pub query: Vec<(StrId, Vec<StrId>)>,
    /// `Authorization: scheme parameter`.
    pub authorization: Option<(StrId, StrId)>,
    /// Client certificate ids.
    pub certificates: Vec<StrId>,
}

/// TLS validation of the backend's certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlsSettings {
    /// Validate the chain.
    pub validate_chain: bool,
    /// Validate the name.
    pub validate_name: bool,
}

impl Default for TlsSettings {
    fn default() -> Self {
        TlsSettings {
            validate_chain: true,
            validate_name: true,
        }
    }
}

/// A circuit-breaker rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breaker {
    /// Rule name.
    pub name: StrId,
    /// Trip after this many failures in the interval …
    pub count: Option<u32>,
    /// … or this percentage of failed calls.
    pub percentage: Option<u32>,
    /// Counting window, milliseconds.
    pub interval_ms: u64,
    /// Status ranges that count as failures.
    pub status_ranges: Vec<(u16, u16)>,
    /// Error reasons that count as failures.
    pub error_reasons: Vec<StrId>,
    /// How long the circuit stays open, milliseconds.
    pub trip_ms: u64,
    /// Honour the backend's `Retry-After` for the trip duration.
    pub accept_retry_after: bool,
}
