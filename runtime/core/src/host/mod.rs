//! The `Host` trait: how the VM reads `context.*`, and `RequestHost`, a host built from JSON.
//!
//! Structural navigation (`context.Request.Headers`) is fixed by the library; the host answers
//! only for data: scalar properties, the string multimaps (headers, query, matched
//! parameters), variables, bodies, the clock and randomness.

mod request;
mod url;

pub use request::{RequestHost, RequestSpec};
pub use url::ParsedUrl;

use crate::value::{HostObj, Msg, Value};
use gatehouse_dotnet::datetime::DateTime;
use std::sync::Arc;

/// What an evaluation may read from its surroundings.
pub trait Host {
    /// Scalar property `name` of host object `obj` (`Request.Method`, `Url.Host`,
    /// `Api.Name`, `Response.StatusCode`, …); `None` when the host has no such property.
    fn property(&mut self, obj: HostObj, name: &str) -> Option<Value>;

    /// The values of `key` in the multimap `map` (`Headers`, `Query`, `MatchedParameters`);
    /// header and query names are case-insensitive.
    fn values(&self, map: HostObj, key: &str) -> Option<&[Arc<str>]>;

    /// The keys of multimap `map`, in order.
    fn keys(&self, map: HostObj) -> Vec<Arc<str>>;

    /// `context.Variables[name]`.
    fn variable(&self, name: &str) -> Option<Value>;

    /// The names in `context.Variables`.
    fn variable_names(&self) -> Vec<Arc<str>>;

    /// The body text of `msg`, or `None` when there is none (or it was consumed). Unless
    /// `preserve`, reading consumes it, as `Body.As<T>()` does.
    fn body(&mut self, msg: Msg, preserve: bool) -> Option<Arc<str>>;

    /// The current time (`DateTime.UtcNow`, `DateTime.Now`).
    fn now(&self) -> DateTime;

    /// Sixteen random bytes (`Guid.NewGuid()`, `new Random()`).
    fn random(&mut self) -> [u8; 16];

    /// `context.RequestId`: unique to the request and the same on every read.
    fn request_id(&mut self) -> [u8; 16];

    /// `context.Trace(message)`.
    fn trace(&mut self, _message: &str) {}

    /// `context.Request.Certificate`: the certificate the client presented, if any.
    fn client_certificate(&self) -> Option<std::sync::Arc<crate::engine::PeerCertificate>> {
        None
    }
}
