//! `cors` origins APIM refuses to save: `*` mixed with origins, `*` with credentials, and
//! origins that are not `scheme://host[:port]`.

use super::Context;
use crate::diagnostic::codes;
use crate::Diagnostic;
use gatehouse_grammar::syntax::Element;

/// Reports the origins of `cors` element `e` that APIM refuses.
pub(super) fn origins(cx: &mut Context<'_>, e: &Element) {
    let Some(list) = e
        .child_elements()
        .find(|c| &*c.name.text == "allowed-origins")
    else {
        return;
    };
    let origins: Vec<(&Element, String)> = list
        .child_elements()
        .filter(|c| &*c.name.text == "origin")
        .map(|c| {
            (
                c,
                c.text_values()
                    .map(|v| v.as_literal().unwrap_or_else(|| "{{".into()))
                    .collect::<String>()
                    .trim()
                    .to_string(),
            )
        })
        .collect();
    let credentials = e.attribute("allow-credentials").is_some_and(|a| {
        a.value
            .as_literal()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("true"))
    });
    let wildcard = origins.iter().find(|(_, t)| t == "*");
    if let Some((star, _)) = wildcard {
        if credentials {
            report(
                cx,
                star,
                "the `*` origin with `allow-credentials=\"true\"`",
                "browsers refuse credentials for any origin; list the origins",
            );
        }
        if origins.len() > 1 {
            report(
                cx,
                star,
                "`*` together with other origins",
                "`allowed-origins` holds either one `*` or origins",
            );
        }
    }
    for (c, text) in &origins {
        if text != "*" && !text.contains("{{") && !well_formed(text) {
            report(
                cx,
                c,
                &format!("the origin `{text}`, which is not `scheme://host[:port]`"),
                "an origin has no path, query or trailing text",
            );
        }
    }
}

fn well_formed(origin: &str) -> bool {
    // A trailing `/` is accepted (APIM takes `https://ai.azure.com/`).
    let origin = origin.strip_suffix('/').unwrap_or(origin);
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !rest.contains(['/', '?', '#', ' '])
}

fn report(cx: &mut Context<'_>, at: &Element, what: &str, help: &str) {
    cx.report(
        Diagnostic::error(
            cx.file,
            codes::CORS_ORIGINS,
            format!("APIM refuses {what}"),
            at.span,
            "refused by APIM",
        )
        .with_help(help.to_string()),
    );
}
