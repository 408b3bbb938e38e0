//! `validate-content`: its three actions and `max-size`, `errors-variable-name`, the
//! `content-type-map` (`any-content-type-value`, `missing-content-type-value`, `type
//! from|when to`) and each `content` (`type`, `validate-as`, `action`,
//! `allow-additional-properties`). JSON bodies are checked against the operation's
//! declared schema; `schema-id`/`schema-ref` and the toolkit's
//! `case-insensitive-property-names` are refused.

use super::{children, Lowering, Reported};
use crate::program::{Builder, ScopeEnv, Site, NOT_EXECUTED};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{ContentRule, OpKind, TypeMapping, ValidateAs, ValidateContent};

/// `validate-content`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "validate-content",
    attributes: &[
        "unspecified-content-type-action",
        "max-size",
        "size-exceeded-action",
        "errors-variable-name",
    ],
    lower: |b, env, site, e| validate_content(b, env, site, e).map(OpKind::ValidateContent),
};

/// Attributes of `content` gatehouse executes.
const CONTENT_ATTRIBUTES: &[&str] = &[
    "type",
    "validate-as",
    "action",
    "allow-additional-properties",
];

fn validate_content(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<ValidateContent, Reported> {
    // The three actions and `max-size` are required: a missing one is reported by the checks.
    let mut required = |name: &str| b.attr(env, site, e, name)?.ok_or(Reported);
    let unspecified = required("unspecified-content-type-action");
    let max_size = required("max-size");
    let size_exceeded = required("size-exceeded-action");
    let errors_variable_name = b
        .text_attr(env, site, e, "errors-variable-name")?
        .map(|n| b.intern(&n));
    let mut out = ValidateContent {
        unspecified_content_type_action: unspecified?,
        max_size: max_size?,
        size_exceeded_action: size_exceeded?,
        errors_variable_name,
        any_content_type_value: None,
        missing_content_type_value: None,
        type_map: Vec::new(),
        contents: Vec::new(),
    };
    for (map_site, map) in children(site, e, "content-type-map") {
        let text = |b: &mut Builder<'_>, name| -> Result<_, Reported> {
            Ok(b.text_attr(env, &map_site, map, name)?
                .map(|t| b.intern(&t)))
        };
        out.any_content_type_value = text(b, "any-content-type-value")?;
        out.missing_content_type_value = text(b, "missing-content-type-value")?;
        for (inner, t) in children(&map_site, map, "type") {
            let from = b.text_attr(env, &inner, t, "from")?.map(|f| b.intern(&f));
            let when = b.attr(env, &inner, t, "when")?;
            let to = b.text_attr(env, &inner, t, "to")?.ok_or(Reported)?;
            let to = b.intern(&to);
            out.type_map.push(TypeMapping { from, when, to });
        }
    }
    for (inner, c) in children(site, e, "content") {
        out.contents.push(content(b, env, &inner, c)?);
    }
    Ok(out)
}

/// One `content` element.
fn content(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    c: &Element,
) -> Result<ContentRule, Reported> {
    refuse_others(b, site, c, CONTENT_ATTRIBUTES)?;
    let content_type = b.text_attr(env, site, c, "type")?.map(|t| b.intern(&t));
    let validate_as = match b.text_attr(env, site, c, "validate-as")?.as_deref() {
        Some(v) if v.eq_ignore_ascii_case("json") => ValidateAs::Json,
        Some(v) if v.eq_ignore_ascii_case("xml") => ValidateAs::Xml,
        Some(v) if v.eq_ignore_ascii_case("soap") => ValidateAs::Soap,
        // Missing or another value: reported by the checks.
        _ => return Err(Reported),
    };
    let action = b.attr(env, site, c, "action")?.ok_or(Reported)?;
    let allow = b
        .text_attr(env, site, c, "allow-additional-properties")?
        .map(|t| t.trim().eq_ignore_ascii_case("true"));
    Ok(ContentRule {
        content_type,
        validate_as,
        schema: None,
        action,
        allow_additional_properties: allow,
    })
}

/// Refuses the attributes of child `c` other than `known` (located, `not-executed`).
pub(super) fn refuse_others(
    b: &mut Builder<'_>,
    site: &Site<'_>,
    c: &Element,
    known: &[&str],
) -> Result<(), Reported> {
    let mut ok = true;
    for a in &c.attributes {
        let name = &*a.name.text;
        if !known.contains(&name) {
            let message = format!(
                "gatehouse does not execute the `{name}` attribute of `{}`",
                c.name.text
            );
            b.error(site.file, NOT_EXECUTED, message, a.span, "not executed");
            ok = false;
        }
    }
    ok.then_some(()).ok_or(Reported)
}
