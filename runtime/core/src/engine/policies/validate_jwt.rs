//! `validate-jwt`: reads the token, verifies it against the inline keys and the cached keys
//! of its OpenID configurations, checks lifetime, audiences, issuers and required claims;
//! on failure answers `failed-validation-httpcode` and runs `on-error` with APIM's reason.
//! [`validate`] (token place, claims, failure, output variable) is shared with
//! `validate-azure-ad-token`.

use super::super::error;
use super::super::exchange::{Body, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use super::token::{self, Failure, Token};
use crate::program::{Arg, JwtRules, KeyMaterial, Op, Program, TokenSource, ValidateJwt};
use crate::state::{KeySet, VerifyKey};
use crate::value::Value;
use crate::vm::Fault;
use http::StatusCode;
use std::sync::Arc;

/// What a token policy checks beyond the shared rules: signature, lifetime, issuer, and
/// anything policy-specific.
pub(super) trait Checks {
    /// Checks the read token (signature first, as APIM does).
    fn check(&self, x: &mut Exchange, program: &Program, t: &Token<'_>) -> Result<(), Stop>;

    /// The audiences `aud` may hold, from the configured ones (none: any).
    fn audiences(
        &self,
        _x: &mut Exchange,
        _program: &Program,
        configured: Vec<String>,
    ) -> Result<Vec<String>, Fault> {
        Ok(configured)
    }
}

/// Why validation stopped: a refused token or a failed expression.
pub(super) enum Stop {
    Refused(Failure),
    Fault(Fault),
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Stop {
        Stop::Refused(f)
    }
}

impl From<Fault> for Stop {
    fn from(f: Fault) -> Stop {
        Stop::Fault(f)
    }
}

/// `validate-jwt`.
pub(super) fn validate_jwt(x: &mut Exchange, program: &Program, op: &Op, v: &ValidateJwt) -> Next {
    validate(x, program, op, &v.rules, v)
}

/// Runs a token policy: reads the token, runs `checks`, then audiences and required claims,
/// and stores the `Jwt` in the output variable.
pub(super) fn validate(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    rules: &JwtRules,
    checks: &dyn Checks,
) -> Next {
    let outcome = (|| -> Result<Arc<str>, Stop> {
        let raw = token_text(x, program, &rules.source)?;
        let max = x.ctx.sh.config.jwt.max_token_bytes;
        let t = token::parse(&raw, max)?;
        checks.check(x, program, &t)?;
        let audiences = texts(x, program, &rules.audiences)?;
        let audiences = checks.audiences(x, program, audiences)?;
        token::audience(&t.claims, &audiences)?;
        for c in &rules.required_claims {
            let values = texts(x, program, &c.values)?;
            let sep = c.separator.map(|s| program.str(s));
            token::required(&t.claims, program.str(c.name), c.match_any, sep, &values)?;
        }
        Ok(raw)
    })();
    match outcome {
        Ok(raw) => output(x, program, op, rules, &raw),
        Err(Stop::Refused(f)) => fail(x, program, op, rules, f),
        Err(Stop::Fault(f)) => Next::Error(x.fault_at(program, op, &f)),
    }
}

impl Checks for ValidateJwt {
    fn check(&self, x: &mut Exchange, program: &Program, t: &Token<'_>) -> Result<(), Stop> {
        let require_signed = flag(x, program, self.require_signed_tokens, true)?;
        let sets = openid_sets(x, program, &self.openid_configs);
        let mut keys = inline_keys(x, program, self);
        keys.extend(sets.iter().flat_map(|(_, s)| s.keys.iter().cloned()));
        if let Err(f) = token::verify(t, &keys, require_signed) {
            if f == Failure::KeyNotFound {
                ask_refresh(x, program, &self.openid_configs);
            }
            return Err(f.into());
        }
        let skew = match self.clock_skew {
            Some(a) => x.arg_int(program, &a)?.max(0) as u64,
            None => 0,
        };
        let require_exp = flag(x, program, self.require_expiration_time, true)?;
        let now = x.ctx.sh.clock.now_ms();
        token::lifetime(&t.claims, now, skew.saturating_mul(1000), require_exp)?;
        let mut issuers = texts(x, program, &self.issuers)?;
        if issuers.is_empty() {
            issuers = sets.iter().filter_map(|(_, s)| s.issuer.clone()).collect();
        }
        token::issuer(&t.claims, &issuers)?;
        Ok(())
    }
}

/// The cached key sets of `urls` (those fetched so far).
pub(super) fn openid_sets(
    x: &Exchange,
    program: &Program,
    urls: &[crate::program::StrId],
) -> Vec<(Arc<str>, Arc<KeySet>)> {
    urls.iter()
        .filter_map(|u| {
            let url = program.strings.get(*u as usize)?.clone();
            let set = x.ctx.sh.keys.get(&url)?;
            Some((url, set))
        })
        .collect()
}

/// Asks the key cache to refresh `urls` (a token's `kid` was not found in them).
fn ask_refresh(x: &Exchange, program: &Program, urls: &[crate::program::StrId]) {
    let now = x.ctx.sh.clock.now_ms();
    for u in urls {
        x.ctx.sh.keys.want_refresh(program.str(*u), now);
    }
}

/// The `issuer-signing-keys`, prepared at load (a key that cannot be read, or a
/// certificate the operator did not provide, is left out: it verifies nothing).
fn inline_keys(x: &Exchange, program: &Program, v: &ValidateJwt) -> Vec<VerifyKey> {
    let keys = &x.ctx.sh.keys;
    v.keys
        .iter()
        .filter_map(|k| {
            let id = k.id.and_then(|i| program.strings.get(i as usize).cloned());
            match k.material {
                KeyMaterial::Certificate(c) => {
                    let name = crate::state::certificate_name(program.str(c));
                    Some(keys.certificate(name)?.with_id(id))
                }
                ref m => Some(keys.inline(m)?.with_id(id)),
            }
        })
        .collect()
}

/// A boolean argument (`default` when absent).
fn flag(x: &mut Exchange, program: &Program, a: Option<Arg>, default: bool) -> Result<bool, Fault> {
    match a {
        None => Ok(default),
        Some(a) => Ok(x.arg_text(program, &a)?.trim().eq_ignore_ascii_case("true")),
    }
}

/// Arguments as text.
pub(super) fn texts(
    x: &mut Exchange,
    program: &Program,
    args: &[Arg],
) -> Result<Vec<String>, Fault> {
    let mut out = Vec::with_capacity(args.len());
    for a in args {
        out.push(x.arg_text(program, a)?.to_string());
    }
    Ok(out)
}

/// The token from the header (its scheme checked and removed), query parameter or value.
fn token_text(x: &mut Exchange, program: &Program, source: &TokenSource) -> Result<Arc<str>, Stop> {
    let text: Option<Arc<str>> = match source {
        TokenSource::Header { name, scheme } => {
            let name = x.arg_text(program, name)?;
            let scheme = match scheme {
                Some(s) => Some(x.arg_text(program, s)?),
                None => None,
            };
            let value = x
                .ctx
                .req
                .headers
                .values(&name)
                .and_then(|v| v.first().cloned());
            match value {
                Some(v) if name.eq_ignore_ascii_case("authorization") => {
                    strip_scheme(&v, scheme.as_deref().unwrap_or("Bearer"), scheme.is_some())
                }
                v => v,
            }
        }
        TokenSource::Query(name) => {
            let name = x.arg_text(program, name)?;
            x.ctx
                .req
                .query()
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&name))
                .and_then(|(_, v)| v.first().cloned())
        }
        TokenSource::Value(v) => Some(x.arg_text(program, v)?),
    };
    match text {
        Some(t) if !t.trim().is_empty() => Ok(Arc::from(t.trim())),
        _ => Err(Failure::NotPresent.into()),
    }
}

/// An `Authorization` value without its scheme: `required` means the scheme must be there;
/// otherwise a `Bearer ` prefix is removed when present.
fn strip_scheme(value: &str, scheme: &str, required: bool) -> Option<Arc<str>> {
    let v = value.trim();
    let has = v.len() > scheme.len()
        && v.is_char_boundary(scheme.len())
        && v[..scheme.len()].eq_ignore_ascii_case(scheme)
        && v[scheme.len()..].starts_with(' ');
    match (has, required) {
        (true, _) => Some(Arc::from(v[scheme.len()..].trim())),
        (false, true) => None,
        (false, false) => Some(Arc::from(v)),
    }
}

/// Stores the validated token in the output variable, if any.
fn output(x: &mut Exchange, program: &Program, op: &Op, rules: &JwtRules, raw: &str) -> Next {
    let Some(name) = rules.output_token_variable_name else {
        return Next::Go;
    };
    let extra = x.ctx.sh.config.vm.max_heap;
    let keep = x.keep;
    let made = x.scratch.alloc_kept(keep, extra, |heap| {
        crate::library::jwt_value(heap, raw).map(|v| v.unwrap_or(Value::Null))
    });
    match made {
        Ok((v, len)) => {
            x.keep_all = true;
            x.keep = len;
            x.set_variable_named(program, name, v);
            Next::Go
        }
        Err(f) => Next::Error(x.fault_at(program, op, &f)),
    }
}

/// Answers the configured status and message, and runs `on-error` with the reason.
fn fail(x: &mut Exchange, program: &Program, op: &Op, rules: &JwtRules, f: Failure) -> Next {
    let answer = (|| {
        let status = match rules.failed_validation_httpcode {
            None => StatusCode::UNAUTHORIZED,
            Some(a) => {
                let code = x.arg_int(program, &a)?;
                u16::try_from(code)
                    .ok()
                    .and_then(|c| StatusCode::from_u16(c).ok())
                    .ok_or_else(|| Fault::unsupported(format!("'{code}' as a status code")))?
            }
        };
        let message: Arc<str> = match rules.failed_validation_error_message {
            None => Arc::from(f.message()),
            Some(a) => x.arg_text(program, &a)?,
        };
        Ok::<_, Fault>((status, message))
    })();
    let (status, message) = match answer {
        Ok(a) => a,
        Err(e) => return Next::Error(x.fault_at(program, op, &e)),
    };
    x.ctx.resp = Reply {
        status,
        reason: None,
        headers: Headers::new(error::json_headers()),
        body: Body::Held(error::json_body(status, &message)),
    };
    Next::Fail(x.error_at(program, op, f.reason(), message.to_string()))
}
