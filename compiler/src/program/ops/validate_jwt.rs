//! `validate-jwt`: the token's place, the failure's answer, lifetime flags, OpenID
//! configurations, inline signing keys, audiences, issuers and required claims.
//! [`rules`] reads what `validate-azure-ad-token` shares. `decryption-keys` (JWE) is
//! refused: gatehouse does not decrypt tokens.

use super::{children, Lowering, Reported};
use crate::diagnostic::codes;
use crate::program::{Builder, ScopeEnv, Site, NOT_EXECUTED};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{
    Arg, JwtRules, KeyMaterial, OpKind, RequiredClaim, SigningKey, TokenSource, ValidateJwt,
};

/// `validate-jwt`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "validate-jwt",
    attributes: &[
        "header-name",
        "query-parameter-name",
        "token-value",
        "failed-validation-httpcode",
        "failed-validation-error-message",
        "require-expiration-time",
        "require-scheme",
        "require-signed-tokens",
        "clock-skew",
        "output-token-variable-name",
    ],
    lower: |b, env, site, e| validate_jwt(b, env, site, e).map(OpKind::ValidateJwt),
};

fn validate_jwt(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<ValidateJwt, Reported> {
    let rules = rules(b, env, site, e, None)?;
    let mut out = ValidateJwt {
        rules,
        require_expiration_time: b.attr(env, site, e, "require-expiration-time")?,
        require_signed_tokens: b.attr(env, site, e, "require-signed-tokens")?,
        clock_skew: b.attr(env, site, e, "clock-skew")?,
        openid_configs: Vec::new(),
        keys: Vec::new(),
        issuers: Vec::new(),
    };
    for (inner, c) in children(site, e, "openid-config") {
        let url = b.text_attr(env, &inner, c, "url")?.ok_or(Reported)?;
        out.openid_configs.push(b.intern(url.trim()));
    }
    for (inner, c) in children(site, e, "issuer-signing-keys") {
        for (k_site, k) in children(&inner, c, "key") {
            out.keys.push(signing_key(b, env, &k_site, k)?);
        }
    }
    out.issuers = texts(b, env, site, e, "issuers", "issuer")?;
    Ok(out)
}

/// What both token policies share. `default_header` is where the token is read when no
/// attribute says (`validate-azure-ad-token`: `Authorization`).
pub(super) fn rules(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    default_header: Option<&str>,
) -> Result<JwtRules, Reported> {
    refuse_decryption_keys(b, site, e)?;
    let source = if let Some(name) = b.attr(env, site, e, "header-name")? {
        TokenSource::Header {
            name,
            scheme: b.attr(env, site, e, "require-scheme")?,
        }
    } else if let Some(q) = b.attr(env, site, e, "query-parameter-name")? {
        TokenSource::Query(q)
    } else if let Some(v) = b.attr(env, site, e, "token-value")? {
        TokenSource::Value(v)
    } else if let Some(h) = default_header {
        TokenSource::Header {
            name: Arg::Lit(b.intern(h)),
            scheme: None,
        }
    } else {
        // `one-of` in the catalogue: reported by the checks.
        return Err(Reported);
    };
    let output = b.text_attr(env, site, e, "output-token-variable-name")?;
    let mut required_claims = Vec::new();
    for (inner, c) in children(site, e, "required-claims") {
        for (c_site, claim) in children(&inner, c, "claim") {
            let name = b.text_attr(env, &c_site, claim, "name")?.ok_or(Reported)?;
            let any = b.text_attr(env, &c_site, claim, "match")?;
            let separator = b.text_attr(env, &c_site, claim, "separator")?;
            let mut values = Vec::new();
            for (v_site, v) in children(&c_site, claim, "value") {
                values.push(b.content(env, &v_site, v).ok_or(Reported)?);
            }
            required_claims.push(RequiredClaim {
                name: b.intern(name.trim()),
                match_any: any.is_some_and(|m| m.trim().eq_ignore_ascii_case("any")),
                separator: separator.map(|s| b.intern(&s)),
                values,
            });
        }
    }
    Ok(JwtRules {
        source,
        failed_validation_httpcode: b.attr(env, site, e, "failed-validation-httpcode")?,
        failed_validation_error_message: b.attr(env, site, e, "failed-validation-error-message")?,
        output_token_variable_name: output.map(|o| b.intern(&o)),
        audiences: texts(b, env, site, e, "audiences", "audience")?,
        required_claims,
    })
}

/// The content of each `item` of each `list` child of `e`.
pub(super) fn texts(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    list: &'static str,
    item: &'static str,
) -> Result<Vec<Arg>, Reported> {
    let mut out = Vec::new();
    for (inner, c) in children(site, e, list) {
        for (i_site, i) in children(&inner, c, item) {
            out.push(b.content(env, &i_site, i).ok_or(Reported)?);
        }
    }
    Ok(out)
}

/// `decryption-keys` is refused: gatehouse does not decrypt JWE tokens.
fn refuse_decryption_keys(
    b: &mut Builder<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<(), Reported> {
    let Some(d) = e
        .child_elements()
        .find(|c| &*c.name.text == "decryption-keys")
    else {
        return Ok(());
    };
    let message = format!(
        "gatehouse does not decrypt encrypted tokens (JWE): `decryption-keys` of `{}` is not executed",
        e.name.text
    );
    b.error(
        site.file,
        NOT_EXECUTED,
        message,
        d.start_tag,
        "not executed",
    );
    Err(Reported)
}

/// One `issuer-signing-keys/key`: inline Base64, `n` + `e`, or `certificate-id`.
fn signing_key(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    k: &Element,
) -> Result<SigningKey, Reported> {
    let id = b.text_attr(env, site, k, "id")?.map(|i| b.intern(&i));
    let cert = b.text_attr(env, site, k, "certificate-id")?;
    let n = b.text_attr(env, site, k, "n")?;
    let e = b.text_attr(env, site, k, "e")?;
    let material = match (cert, n, e) {
        (Some(c), None, None) => KeyMaterial::Certificate(b.intern(c.trim())),
        (None, Some(n), Some(e)) => {
            check_b64(b, site, k, &n, true, "`n` is not Base64url")?;
            check_b64(b, site, k, &e, true, "`e` is not Base64url")?;
            KeyMaterial::Rsa {
                n: b.intern(n.trim()),
                e: b.intern(e.trim()),
            }
        }
        (None, None, None) => match b.content(env, site, k) {
            Some(Arg::Lit(s)) => {
                let text = b.program.str(s).trim().to_string();
                check_b64(b, site, k, &text, false, "the key is not Base64")?;
                KeyMaterial::Secret(b.intern(&text))
            }
            _ => return Err(Reported),
        },
        _ => {
            let message = "a signing key is given by its text, by `n` and `e`, or by `certificate-id`: exactly one";
            b.error(
                site.file,
                codes::INVALID_ATTRIBUTE_VALUE,
                message,
                k.start_tag,
                "ambiguous key",
            );
            return Err(Reported);
        }
    };
    Ok(SigningKey { id, material })
}

/// Reports key text that is not Base64 (a secret named value is checked at load).
fn check_b64(
    b: &mut Builder<'_>,
    site: &Site<'_>,
    k: &Element,
    text: &str,
    url: bool,
    message: &str,
) -> Result<(), Reported> {
    let text = text.trim();
    if text.contains("{{") {
        return Ok(());
    }
    let ok = !text.is_empty()
        && if url {
            URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).is_ok()
        } else {
            STANDARD.decode(text).is_ok()
        };
    if ok {
        return Ok(());
    }
    b.error(
        site.file,
        codes::INVALID_ATTRIBUTE_VALUE,
        message,
        k.span,
        "not a key",
    );
    Err(Reported)
}
