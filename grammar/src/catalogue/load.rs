//! Parsing of the catalogue TOML data, cross-checks, and the generated support matrix.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::{
    AttrType, AttributeSpec, Catalogue, Category, ChildKind, ChildSpec, Content, ElementSpec,
    ExprAllowed, NameKind, OncePer, PolicySpec, Scope, Scopes, Section, Sections, Status,
    StructuralSpec, TimeUnit,
};

/// Why catalogue data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// A data file is not valid TOML or does not match the schema.
    #[error("{file}: {source}")]
    Toml {
        /// Data file name.
        file: String,
        /// The TOML error.
        #[source]
        source: toml::de::Error,
    },
    /// The data is well-formed but inconsistent.
    #[error("{file}: {element}: {message}")]
    Invalid {
        /// Data file name.
        file: String,
        /// Element path, e.g. `validate-jwt > required-claims`.
        element: String,
        /// What is wrong.
        message: String,
    },
    /// Cross-file checks failed (one line per problem).
    #[error("inconsistent catalogue:\n{0}")]
    Inconsistent(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    policy: Vec<RawPolicy>,
    #[serde(default)]
    structural: Vec<RawElement>,
}

/// Declares a raw catalogue record with its own fields followed by the fields that give
/// an element its shape (content, expressions, attributes, children and their rules),
/// which policies and inline or structural elements share.
macro_rules! with_shape {
    ($(#[$meta:meta])* struct $name:ident { $($(#[$fmeta:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        struct $name {
            $($(#[$fmeta])* $field: $ty,)*
            content: Option<String>,
            expr: Option<String>,
            #[serde(default)]
            attrs: Vec<RawAttr>,
            #[serde(default)]
            child: Vec<RawElement>,
            #[serde(default)]
            one_of: Vec<Vec<String>>,
            #[serde(default)]
            exclusive: Vec<Vec<String>>,
            ordered: Option<bool>,
        }
    };
}

with_shape! {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    struct RawPolicy {
        name: String,
        category: String,
        sections: Vec<String>,
        #[serde(default)]
        toolkit_sections: Vec<String>,
        scopes: Vec<String>,
        once_per: Option<String>,
        status: String,
        source: String,
        notes: Option<String>,
    }
}

with_shape! {
    /// A child element (or structural element): either `name` (inline) or `policy`.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    struct RawElement {
        name: Option<String>,
        policy: Option<String>,
        min: Option<u32>,
        max: Option<u32>,
        #[serde(default)]
        many: bool,
        #[serde(default)]
        any_attributes: bool,
        source: Option<String>,
        notes: Option<String>,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAttr {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    required: bool,
    default: Option<String>,
    expr: Option<String>,
    min: Option<i64>,
    max: Option<i64>,
    values: Option<Vec<String>>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    alias_of: Option<String>,
    notes: Option<String>,
}

struct Ctx<'a> {
    file: &'a str,
    path: String,
}

impl Ctx<'_> {
    fn err(&self, message: impl Into<String>) -> CatalogueError {
        CatalogueError::Invalid {
            file: self.file.to_owned(),
            element: self.path.clone(),
            message: message.into(),
        }
    }
}

pub(super) fn parse(files: &[(&str, &str)]) -> Result<Catalogue, CatalogueError> {
    let mut policies = Vec::new();
    let mut structural = Vec::new();
    for (file, text) in files {
        let raw: RawFile = toml::from_str(text).map_err(|source| CatalogueError::Toml {
            file: (*file).to_owned(),
            source,
        })?;
        for p in raw.policy {
            policies.push(convert_policy(file, p)?);
        }
        for s in raw.structural {
            let name = s.name.clone().unwrap_or_default();
            let ctx = Ctx { file, path: name };
            let source = s.source.clone().ok_or_else(|| ctx.err("missing source"))?;
            let notes = s.notes.clone();
            let element = convert_element(&ctx, s)?;
            structural.push(StructuralSpec {
                element,
                source,
                notes,
            });
        }
    }
    let mut by_name = HashMap::new();
    let mut problems = Vec::new();
    for (i, p) in policies.iter().enumerate() {
        if by_name.insert(p.element.name.clone(), i).is_some() {
            problems.push(format!("duplicate policy `{}`", p.element.name));
        }
    }
    let mut structural_by_name = HashMap::new();
    for (i, s) in structural.iter().enumerate() {
        if by_name.contains_key(&s.element.name) {
            problems.push(format!(
                "`{}` is both a policy and structural",
                s.element.name
            ));
        }
        if structural_by_name
            .insert(s.element.name.clone(), i)
            .is_some()
        {
            problems.push(format!("duplicate structural element `{}`", s.element.name));
        }
    }
    let catalogue = Catalogue {
        policies,
        by_name,
        structural,
        structural_by_name,
    };
    problems.extend(check(&catalogue));
    if problems.is_empty() {
        Ok(catalogue)
    } else {
        Err(CatalogueError::Inconsistent(problems.join("\n")))
    }
}

fn convert_policy(file: &str, p: RawPolicy) -> Result<PolicySpec, CatalogueError> {
    let ctx = Ctx {
        file,
        path: p.name.clone(),
    };
    let category = Category::parse(&p.category)
        .ok_or_else(|| ctx.err(format!("unknown category `{}`", p.category)))?;
    let status = Status::parse(&p.status)
        .ok_or_else(|| ctx.err(format!("unknown status `{}`", p.status)))?;
    let once_per = match &p.once_per {
        None => None,
        Some(s) => Some(OncePer::parse(s).ok_or_else(|| ctx.err(format!("bad once-per `{s}`")))?),
    };
    let sections = expand(&ctx, &p.sections, Section::parse, Sections::all)?;
    let toolkit_sections = expand(&ctx, &p.toolkit_sections, Section::parse, Sections::all)?;
    let scopes = expand(&ctx, &p.scopes, Scope::parse, Scopes::all)?;
    let element = convert_element(
        &ctx,
        RawElement {
            name: Some(p.name),
            policy: None,
            min: None,
            max: None,
            many: false,
            content: p.content,
            expr: p.expr,
            attrs: p.attrs,
            child: p.child,
            one_of: p.one_of,
            exclusive: p.exclusive,
            ordered: p.ordered,
            any_attributes: false,
            source: None,
            notes: None,
        },
    )?;
    Ok(PolicySpec {
        element,
        category,
        sections,
        toolkit_sections,
        scopes,
        once_per,
        status,
        source: p.source,
        notes: p.notes,
    })
}

fn expand<T, S: FromIterator<T>>(
    ctx: &Ctx<'_>,
    names: &[String],
    parse: fn(&str) -> Option<T>,
    all: fn() -> S,
) -> Result<S, CatalogueError> {
    if names.len() == 1 && names[0] == "all" {
        return Ok(all());
    }
    names
        .iter()
        .map(|n| parse(n).ok_or_else(|| ctx.err(format!("unknown section/scope `{n}`"))))
        .collect()
}

fn expr(ctx: &Ctx<'_>, e: Option<&str>) -> Result<ExprAllowed, CatalogueError> {
    match e {
        None => Ok(ExprAllowed::Unknown),
        Some("yes") => Ok(ExprAllowed::Yes),
        Some("no") => Ok(ExprAllowed::No),
        Some("unknown") => Ok(ExprAllowed::Unknown),
        Some(other) => Err(ctx.err(format!("bad expr `{other}`"))),
    }
}

fn convert_element(ctx: &Ctx<'_>, e: RawElement) -> Result<ElementSpec, CatalogueError> {
    let name = e.name.ok_or_else(|| ctx.err("element without a name"))?;
    let mut children = Vec::new();
    for c in e.child {
        let min = c.min.unwrap_or(0);
        let max = if c.many {
            None
        } else {
            Some(c.max.unwrap_or(1))
        };
        if c.many && c.max.is_some() {
            return Err(ctx.err("child has both `many` and `max`"));
        }
        let notes = c.notes.clone();
        let kind = match (&c.name, &c.policy) {
            (None, Some(policy)) => {
                if c.content.is_some() || !c.attrs.is_empty() || !c.child.is_empty() {
                    return Err(ctx.err(format!("policy child `{policy}` redefines its shape")));
                }
                ChildKind::Policy(policy.clone())
            }
            (Some(child), None) => {
                let sub = Ctx {
                    file: ctx.file,
                    path: format!("{} > {child}", ctx.path),
                };
                ChildKind::Element(convert_element(&sub, c)?)
            }
            _ => return Err(ctx.err("a child needs exactly one of `name` and `policy`")),
        };
        children.push(ChildSpec {
            min,
            max,
            kind,
            notes,
        });
    }
    let content = match e.content.as_deref() {
        None if children.is_empty() => Content::Empty,
        None | Some("elements") => Content::Elements,
        Some("empty") => Content::Empty,
        Some("text") => Content::Text {
            expressions: expr(ctx, e.expr.as_deref())?,
        },
        Some("policies") => Content::Policies,
        Some("any-xml") => Content::AnyXml,
        Some("elements-or-text") => Content::ElementsOrText {
            expressions: expr(ctx, e.expr.as_deref())?,
        },
        Some(other) => return Err(ctx.err(format!("bad content `{other}`"))),
    };
    if e.expr.is_some()
        && !matches!(
            content,
            Content::Text { .. } | Content::ElementsOrText { .. }
        )
    {
        return Err(ctx.err("`expr` on an element is only meaningful for text content"));
    }
    if !children.is_empty()
        && !matches!(content, Content::Elements | Content::ElementsOrText { .. })
    {
        return Err(ctx.err("children listed but content is not `elements`"));
    }
    let attributes = e
        .attrs
        .into_iter()
        .map(|a| convert_attr(ctx, a))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ElementSpec {
        name,
        attributes,
        children,
        content,
        one_of: e.one_of,
        exclusive: e.exclusive,
        ordered: e.ordered.unwrap_or(true),
        any_attributes: e.any_attributes,
    })
}

fn convert_attr(ctx: &Ctx<'_>, a: RawAttr) -> Result<AttributeSpec, CatalogueError> {
    let bounds_ok = matches!(a.ty.as_str(), "int" | "duration" | "duration-ms");
    if !bounds_ok && (a.min.is_some() || a.max.is_some()) {
        return Err(ctx.err(format!(
            "attribute `{}`: min/max on a non-numeric type",
            a.name
        )));
    }
    if a.ty != "enum" && a.values.is_some() {
        return Err(ctx.err(format!("attribute `{}`: values on a non-enum", a.name)));
    }
    if a.ty != "name" && a.reference.is_some() {
        return Err(ctx.err(format!("attribute `{}`: ref on a non-name", a.name)));
    }
    let ty = match a.ty.as_str() {
        "string" => AttrType::String,
        "bool" => AttrType::Bool,
        "int" => AttrType::Int {
            min: a.min,
            max: a.max,
        },
        "number" => AttrType::Number,
        "duration" | "duration-ms" => AttrType::Duration {
            unit: if a.ty == "duration" {
                TimeUnit::Seconds
            } else {
                TimeUnit::Milliseconds
            },
            min: a.min,
            max: a.max,
        },
        "url" => AttrType::Url,
        "date-time" => AttrType::DateTime,
        "enum" => AttrType::Enum(
            a.values
                .clone()
                .ok_or_else(|| ctx.err(format!("enum `{}` without values", a.name)))?,
        ),
        "name" => AttrType::Name(match a.reference.as_deref() {
            Some("variable") => NameKind::Variable,
            Some("backend") => NameKind::Backend,
            Some("fragment") => NameKind::Fragment,
            Some("logger") => NameKind::Logger,
            Some("certificate") => NameKind::Certificate,
            other => return Err(ctx.err(format!("attribute `{}`: bad ref {other:?}", a.name))),
        }),
        other => return Err(ctx.err(format!("attribute `{}`: bad type `{other}`", a.name))),
    };
    Ok(AttributeSpec {
        expressions: expr(ctx, a.expr.as_deref())?,
        name: a.name,
        ty,
        required: a.required,
        default: a.default,
        alias_of: a.alias_of,
        notes: a.notes,
    })
}

/// Cross-checks that serde cannot express. Returns one line per problem.
pub(super) fn check(cat: &Catalogue) -> Vec<String> {
    let mut problems = Vec::new();
    for p in cat.policies() {
        if p.sections.is_empty() != p.is_resolver_only() {
            problems.push(format!(
                "{}: sections must be empty exactly for resolver-only policies",
                p.name()
            ));
        }
        if p.scopes.is_empty() != p.is_resolver_only() {
            problems.push(format!(
                "{}: scopes must be empty exactly for resolver-only policies",
                p.name()
            ));
        }
        check_element(cat, &p.element, p.name(), &mut problems);
    }
    for s in cat.structural_elements() {
        check_element(cat, &s.element, &s.element.name, &mut problems);
    }
    problems
}

fn check_element(cat: &Catalogue, e: &ElementSpec, path: &str, problems: &mut Vec<String>) {
    let mut seen = HashSet::new();
    for a in &e.attributes {
        if !seen.insert(a.name.as_str()) {
            problems.push(format!("{path}: duplicate attribute `{}`", a.name));
        }
        if a.required && a.default.is_some() {
            problems.push(format!(
                "{path}@{}: required attribute with a default",
                a.name
            ));
        }
        if let (AttrType::Enum(values), Some(default)) = (&a.ty, &a.default) {
            if !values.contains(default) {
                problems.push(format!(
                    "{path}@{}: default `{default}` not a value",
                    a.name
                ));
            }
        }
        if let AttrType::Enum(values) = &a.ty {
            if values.is_empty() {
                problems.push(format!("{path}@{}: enum without values", a.name));
            }
        }
        if let AttrType::Int { min, max } | AttrType::Duration { min, max, .. } = &a.ty {
            if let (Some(lo), Some(hi)) = (min, max) {
                if lo > hi {
                    problems.push(format!("{path}@{}: min > max", a.name));
                }
            }
            if let Some(default) = &a.default {
                match default.parse::<i64>() {
                    Ok(v) if min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m) => {}
                    _ => problems.push(format!("{path}@{}: default out of range", a.name)),
                }
            }
        }
        if a.ty == AttrType::Bool {
            if let Some(d) = &a.default {
                if d != "true" && d != "false" {
                    problems.push(format!("{path}@{}: bool default `{d}`", a.name));
                }
            }
        }
        if let Some(target) = &a.alias_of {
            if e.attribute(target).is_none() {
                problems.push(format!("{path}@{}: alias of unknown `{target}`", a.name));
            }
        }
        if super::COMMON_ATTRIBUTES.contains(&a.name.as_str()) && cat.policy(&e.name).is_some() {
            problems.push(format!("{path}@{}: common attribute repeated", a.name));
        }
    }
    for group in e.one_of.iter().chain(&e.exclusive) {
        if group.len() < 2 {
            problems.push(format!("{path}: one-of/exclusive group with < 2 names"));
        }
        for name in group {
            match e.attribute(name) {
                None => problems.push(format!("{path}: group names unknown attribute `{name}`")),
                Some(a) if a.required => {
                    problems.push(format!("{path}: group names required attribute `{name}`"))
                }
                Some(_) => {}
            }
        }
    }
    let mut seen = HashSet::new();
    for c in &e.children {
        if !seen.insert(c.name()) {
            problems.push(format!("{path}: duplicate child `{}`", c.name()));
        }
        if let Some(max) = c.max {
            if max == 0 || c.min > max {
                problems.push(format!("{path}: child `{}` has bad bounds", c.name()));
            }
        }
        match &c.kind {
            ChildKind::Policy(name) => {
                if cat.policy(name).is_none() {
                    problems.push(format!("{path}: child policy `{name}` is not catalogued"));
                }
            }
            ChildKind::Element(child) => {
                check_element(cat, child, &format!("{path} > {}", child.name), problems)
            }
        }
    }
}

/// Renders `docs/policies.md`.
pub(super) fn support_matrix(cat: &Catalogue, gatehouse: &dyn Fn(&PolicySpec) -> String) -> String {
    let mut policies: Vec<&PolicySpec> = cat.policies().collect();
    policies.sort_by(|a, b| (a.category, a.name()).cmp(&(b.category, b.name())));
    let mut out = String::new();
    out.push_str("# Policy support matrix\n\n");
    out.push_str(
        "<!-- Generated from grammar/src/catalogue/data/*.toml and the compiler's list of\n     \
         lowerings. Do not edit by hand; run\n     \
         UPDATE_DOCS=1 cargo test -p gatehouse-compiler --lib support_matrix -->\n\n",
    );
    out.push_str(&format!(
        "{} policies. \"all\" sections = inbound, backend, outbound, on-error; \"all\" scopes = \
         global, workspace, product, api, operation. Resolver-only policies live in GraphQL \
         resolver definitions, not in `<policies>` sections. Every policy also accepts `id`. \
         The last column says what the gateway does: *executed*; *checked only* (`check` \
         warns, `build` refuses it, so the gateway never skips a policy); or *not supported* \
         (resolver-only policies: gatehouse does not serve synthetic GraphQL).\n\n",
        cat.len()
    ));
    out.push_str("| Policy | Category | Sections | Scopes | Status | gatehouse |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for p in policies {
        let sections = if p.sections.is_all() {
            "all".to_owned()
        } else if p.sections.is_empty() {
            "—".to_owned()
        } else {
            join(p.sections.iter().map(Section::as_str))
        };
        let scopes = if p.scopes.is_all() {
            "all".to_owned()
        } else if p.scopes.is_empty() {
            "—".to_owned()
        } else {
            join(p.scopes.iter().map(Scope::as_str))
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            p.name(),
            p.category,
            sections,
            scopes,
            p.status,
            gatehouse(p)
        ));
    }
    out
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}
