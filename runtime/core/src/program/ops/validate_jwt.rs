//! `validate-jwt`: where the token is, the keys that may have signed it (inline or from
//! OpenID configurations), and the claims it must carry. [`JwtRules`] and
//! [`RequiredClaim`] are shared with `validate-azure-ad-token`.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{
    many, put_arg, put_len, put_opt, put_opt_arg, put_var, BundleError, ProgramReader,
};
use crate::program::StrId;

/// Where the token is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSource {
    /// `header-name`, with `require-scheme` when given.
    Header {
        /// The header's name.
        name: Arg,
        /// The scheme the value must start with (applies to `Authorization` only).
        scheme: Option<Arg>,
    },
    /// `query-parameter-name`.
    Query(Arg),
    /// `token-value`.
    Value(Arg),
}

/// One `required-claims/claim`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequiredClaim {
    /// `name`.
    pub name: StrId,
    /// `match="any"` (default `all`).
    pub match_any: bool,
    /// `separator`: a string claim's values are split on it.
    pub separator: Option<StrId>,
    /// The `value`s (none: the claim must only be present).
    pub values: Vec<Arg>,
}

/// What both token policies share: the token's place, the failure's answer, the output
/// variable, audiences and required claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JwtRules {
    /// Where the token is.
    pub source: TokenSource,
    /// `failed-validation-httpcode` (default 401).
    pub failed_validation_httpcode: Option<Arg>,
    /// `failed-validation-error-message` (default: the failure's own message).
    pub failed_validation_error_message: Option<Arg>,
    /// `output-token-variable-name`: a variable receiving the validated `Jwt`.
    pub output_token_variable_name: Option<StrId>,
    /// `audiences/audience` (none: any audience).
    pub audiences: Vec<Arg>,
    /// `required-claims/claim`.
    pub required_claims: Vec<RequiredClaim>,
}

/// Key material of one `issuer-signing-keys/key`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyMaterial {
    /// A Base64 symmetric key (the element's text).
    Secret(StrId),
    /// An RSA public key: Base64url modulus and exponent.
    Rsa {
        /// `n`.
        n: StrId,
        /// `e`.
        e: StrId,
    },
    /// The public key of an operator-provided certificate (`certificate-id`).
    Certificate(StrId),
}

/// One `issuer-signing-keys/key`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningKey {
    /// `id`: matched against the token's `kid`.
    pub id: Option<StrId>,
    /// The key.
    pub material: KeyMaterial,
}

/// `validate-jwt`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidateJwt {
    /// Token place, failure, output, audiences, required claims.
    pub rules: JwtRules,
    /// `require-expiration-time` (default `true`).
    pub require_expiration_time: Option<Arg>,
    /// `require-signed-tokens` (default `true`).
    pub require_signed_tokens: Option<Arg>,
    /// `clock-skew` in seconds (default 0).
    pub clock_skew: Option<Arg>,
    /// `openid-config url`s: their keys (and issuers) come from the gateway's key cache.
    pub openid_configs: Vec<StrId>,
    /// `issuer-signing-keys/key`s, tried in turn.
    pub keys: Vec<SigningKey>,
    /// `issuers/issuer` (none: the OpenID configurations' issuers, or any).
    pub issuers: Vec<Arg>,
}

fn put_args(w: &mut Vec<u8>, args: &[Arg]) {
    put_len(w, args.len());
    args.iter().for_each(|a| put_arg(w, *a));
}

fn read_args(r: &mut ProgramReader<'_, '_>, what: &str) -> Result<Vec<Arg>, BundleError> {
    let n = r.list(what, 1)?;
    many(n, || r.arg(what))
}

fn print_args(p: &Printer<'_>, args: &[Arg]) -> String {
    args.iter().map(|a| p.arg(*a)).collect::<Vec<_>>().join(",")
}

impl JwtRules {
    /// Writes the shared fields.
    pub(crate) fn write(&self, w: &mut Vec<u8>) {
        match self.source {
            TokenSource::Header { name, scheme } => {
                w.push(0);
                put_arg(w, name);
                put_opt_arg(w, scheme);
            }
            TokenSource::Query(a) => {
                w.push(1);
                put_arg(w, a);
            }
            TokenSource::Value(a) => {
                w.push(2);
                put_arg(w, a);
            }
        }
        put_opt_arg(w, self.failed_validation_httpcode);
        put_opt_arg(w, self.failed_validation_error_message);
        put_opt(w, self.output_token_variable_name);
        put_args(w, &self.audiences);
        put_len(w, self.required_claims.len());
        for c in &self.required_claims {
            put_var(w, c.name);
            w.push(u8::from(c.match_any));
            put_opt(w, c.separator);
            put_args(w, &c.values);
        }
    }

    /// Reads the shared fields.
    pub(crate) fn read(r: &mut ProgramReader<'_, '_>) -> Result<JwtRules, BundleError> {
        let source = match r.tag("token source", 3)? {
            0 => TokenSource::Header {
                name: r.arg("a header name")?,
                scheme: r.opt_arg("a scheme")?,
            },
            1 => TokenSource::Query(r.arg("a query parameter name")?),
            _ => TokenSource::Value(r.arg("a token value")?),
        };
        let failed_validation_httpcode = r.opt_arg("a status code")?;
        let failed_validation_error_message = r.opt_arg("an error message")?;
        let output_token_variable_name = r.opt_str("an output variable")?;
        let audiences = read_args(r, "audiences")?;
        let n = r.list("required claims", 4)?;
        let required_claims = many(n, || {
            Ok(RequiredClaim {
                name: r.str_id("a claim name")?,
                match_any: r.flags::<1>("match")?[0],
                separator: r.opt_str("a separator")?,
                values: read_args(r, "claim values")?,
            })
        })?;
        Ok(JwtRules {
            source,
            failed_validation_httpcode,
            failed_validation_error_message,
            output_token_variable_name,
            audiences,
            required_claims,
        })
    }

    /// The shared part of the `explain` line.
    pub(crate) fn print(&self, p: &Printer<'_>) -> String {
        let source = match self.source {
            TokenSource::Header { name, scheme } => {
                format!("header={}{}", p.arg(name), p.opt("scheme", scheme))
            }
            TokenSource::Query(a) => format!("query={}", p.arg(a)),
            TokenSource::Value(a) => format!("token={}", p.arg(a)),
        };
        let claims: Vec<String> = self
            .required_claims
            .iter()
            .map(|c| {
                format!(
                    "{}{}{}=[{}]",
                    p.s(c.name),
                    if c.match_any { " any" } else { "" },
                    p.name("separator", c.separator),
                    print_args(p, &c.values)
                )
            })
            .collect();
        format!(
            "{source}{}{}{} audiences=[{}] claims=[{}]",
            p.opt("code", self.failed_validation_httpcode),
            p.opt("message", self.failed_validation_error_message),
            p.name("output", self.output_token_variable_name),
            print_args(p, &self.audiences),
            claims.join("; ")
        )
    }

    /// Visits the shared references.
    pub(crate) fn refs(&self, v: &mut dyn Refs) {
        match self.source {
            TokenSource::Header { name, scheme } => {
                v.arg(name);
                scheme.into_iter().for_each(|a| v.arg(a));
            }
            TokenSource::Query(a) | TokenSource::Value(a) => v.arg(a),
        }
        self.failed_validation_httpcode
            .into_iter()
            .for_each(|a| v.arg(a));
        self.failed_validation_error_message
            .into_iter()
            .for_each(|a| v.arg(a));
        self.output_token_variable_name
            .into_iter()
            .for_each(|s| v.string(s));
        self.audiences.iter().for_each(|a| v.arg(*a));
        for c in &self.required_claims {
            v.string(c.name);
            c.separator.into_iter().for_each(|s| v.string(s));
            c.values.iter().for_each(|a| v.arg(*a));
        }
    }
}

fn put_key(w: &mut Vec<u8>, k: &SigningKey) {
    put_opt(w, k.id);
    match k.material {
        KeyMaterial::Secret(s) => {
            w.push(0);
            put_var(w, s);
        }
        KeyMaterial::Rsa { n, e } => {
            w.push(1);
            put_var(w, n);
            put_var(w, e);
        }
        KeyMaterial::Certificate(c) => {
            w.push(2);
            put_var(w, c);
        }
    }
}

fn read_key(r: &mut ProgramReader<'_, '_>) -> Result<SigningKey, BundleError> {
    let id = r.opt_str("a key id")?;
    let material = match r.tag("key kind", 3)? {
        0 => KeyMaterial::Secret(r.str_id("a key")?),
        1 => KeyMaterial::Rsa {
            n: r.str_id("a modulus")?,
            e: r.str_id("an exponent")?,
        },
        _ => KeyMaterial::Certificate(r.str_id("a certificate id")?),
    };
    Ok(SigningKey { id, material })
}

impl OpData for ValidateJwt {
    fn write(&self, w: &mut Vec<u8>) {
        self.rules.write(w);
        put_opt_arg(w, self.require_expiration_time);
        put_opt_arg(w, self.require_signed_tokens);
        put_opt_arg(w, self.clock_skew);
        put_len(w, self.openid_configs.len());
        self.openid_configs.iter().for_each(|u| put_var(w, *u));
        put_len(w, self.keys.len());
        self.keys.iter().for_each(|k| put_key(w, k));
        put_args(w, &self.issuers);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let rules = JwtRules::read(r)?;
        let require_expiration_time = r.opt_arg("require-expiration-time")?;
        let require_signed_tokens = r.opt_arg("require-signed-tokens")?;
        let clock_skew = r.opt_arg("clock-skew")?;
        let openid_configs = r.str_ids("openid-config urls")?;
        let n = r.list("signing keys", 3)?;
        let keys = many(n, || read_key(r))?;
        let issuers = read_args(r, "issuers")?;
        Ok(ValidateJwt {
            rules,
            require_expiration_time,
            require_signed_tokens,
            clock_skew,
            openid_configs,
            keys,
            issuers,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let urls: Vec<&str> = self.openid_configs.iter().map(|u| p.s(*u)).collect();
        // Key material is never printed (an inline key is a secret): only its kind and id.
        let keys: Vec<String> = self
            .keys
            .iter()
            .map(|k| {
                let kind = match k.material {
                    KeyMaterial::Secret(_) => "symmetric".to_string(),
                    KeyMaterial::Rsa { .. } => "rsa".to_string(),
                    KeyMaterial::Certificate(c) => format!("certificate:{}", p.s(c)),
                };
                format!("{kind}{}", p.name("id", k.id))
            })
            .collect();
        format!(
            "{name} {}{}{}{} openid=[{}] keys=[{}] issuers=[{}]",
            self.rules.print(p),
            p.opt("require-expiration-time", self.require_expiration_time),
            p.opt("require-signed-tokens", self.require_signed_tokens),
            p.opt("clock-skew", self.clock_skew),
            urls.join(","),
            keys.join(","),
            print_args(p, &self.issuers)
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        self.rules.refs(v);
        self.require_expiration_time
            .into_iter()
            .for_each(|a| v.arg(a));
        self.require_signed_tokens
            .into_iter()
            .for_each(|a| v.arg(a));
        self.clock_skew.into_iter().for_each(|a| v.arg(a));
        self.openid_configs.iter().for_each(|u| v.string(*u));
        for k in &self.keys {
            k.id.into_iter().for_each(|s| v.string(s));
            match k.material {
                KeyMaterial::Secret(s) | KeyMaterial::Certificate(s) => v.string(s),
                KeyMaterial::Rsa { n, e } => {
                    v.string(n);
                    v.string(e);
                }
            }
        }
        self.issuers.iter().for_each(|a| v.arg(*a));
    }
}
