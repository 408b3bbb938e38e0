//! Subscription keys: where the key is read from, digest comparison and scope checks.

use crate::program::Program;
use crate::program::SubscriptionScope;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The default header carrying a subscription key.
pub(crate) const DEFAULT_HEADER: &str = "Ocp-Apim-Subscription-Key";
/// The default query parameter carrying a subscription key.
pub(crate) const DEFAULT_QUERY: &str = "subscription-key";

/// A subscription that accepted the call.
#[derive(Clone, Debug)]
pub(crate) struct Accepted {
    /// Index into `Program::subscriptions`.
    pub sub: u32,
    /// The key as given.
    pub key: Arc<str>,
    /// Which declared key matched (0 primary, 1 secondary).
    pub slot: usize,
    /// The product the subscription is for.
    pub product: Option<u32>,
}

/// Why a key was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// No key given.
    Missing,
    /// No active subscription covering the API has this key.
    Invalid,
}

impl Refused {
    /// `context.LastError.Reason`.
    pub fn reason(self) -> &'static str {
        match self {
            Refused::Missing => "SubscriptionKeyNotFound",
            Refused::Invalid => "SubscriptionKeyInvalid",
        }
    }

    /// The message of APIM's 401 body.
    pub fn message(self) -> &'static str {
        match self {
            Refused::Missing => "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
            Refused::Invalid => "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
        }
    }
}

/// The header and query names API `api` reads its key from (the defaults when empty).
pub(crate) fn key_names(program: &Program, api: u32) -> (&str, &str) {
    let Some(a) = program.apis.get(api as usize) else {
        return (DEFAULT_HEADER, DEFAULT_QUERY);
    };
    let h = program.str(a.key_header);
    let q = program.str(a.key_query);
    (
        if h.is_empty() { DEFAULT_HEADER } else { h },
        if q.is_empty() { DEFAULT_QUERY } else { q },
    )
}

/// Finds the active subscription whose key is `key` and whose scope covers `api`.
pub(crate) fn check(program: &Program, api: u32, key: &Arc<str>) -> Result<Accepted, Refused> {
    let digest: [u8; 32] = Sha256::digest(key.as_bytes()).into();
    for (i, s) in program.subscriptions.iter().enumerate() {
        let Some(slot) = s.key_digests.iter().position(|d| *d == digest) else {
            continue;
        };
        if !s.active {
            continue;
        }
        let product = match s.scope {
            SubscriptionScope::AllApis => None,
            SubscriptionScope::Api(a) if a == api => None,
            SubscriptionScope::Api(_) => continue,
            SubscriptionScope::Product(p) => {
                let covers = program
                    .products
                    .get(p as usize)
                    .is_some_and(|pr| pr.published && pr.apis.contains(&api));
                if !covers {
                    continue;
                }
                Some(p)
            }
        };
        return Ok(Accepted {
            sub: i as u32,
            key: key.clone(),
            slot,
            product,
        });
    }
    Err(Refused::Invalid)
}
