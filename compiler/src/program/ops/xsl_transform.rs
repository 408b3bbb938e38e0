//! `xsl-transform`: the `xsl:stylesheet` compiled here (a located error when it does not
//! compile) and its `parameter`s, named by `name` (or `parameter-name`, which the docs'
//! policy statement writes; `check` warns on it).

use super::{children, Lowering, Reported};
use crate::diagnostic::codes;
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{OpKind, XslTransform};

/// `xsl-transform`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "xsl-transform",
    attributes: &[],
    lower: xsl_transform,
};

fn xsl_transform(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<OpKind, Reported> {
    let mut parameters = Vec::new();
    for (inner, p) in children(site, e, "parameter") {
        let name = match b.text_attr(env, &inner, p, "name")? {
            Some(n) => n,
            None => match b.text_attr(env, &inner, p, "parameter-name")? {
                Some(n) => n,
                None => {
                    let message = "a `parameter` needs its `name`";
                    b.error(
                        site.file,
                        codes::XSLT_INVALID_STYLESHEET,
                        message,
                        p.start_tag,
                        "no name",
                    );
                    return Err(Reported);
                }
            },
        };
        let name = b.intern(&name);
        parameters.push((name, b.content(env, &inner, p).ok_or(Reported)?));
    }
    let Some(sheet) = e.child_elements().find(|c| {
        matches!(
            c.name.text.rsplit(':').next(),
            Some("stylesheet" | "transform")
        )
    }) else {
        return Err(Reported); // the catalogue requires `xsl:stylesheet`: reported there
    };
    let span = sheet.span;
    let source = site
        .file
        .text
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    match XslTransform::new(source, parameters) {
        Ok(t) => Ok(OpKind::XslTransform(t)),
        Err(message) => {
            let code = codes::XSLT_INVALID_STYLESHEET;
            b.error(site.file, code, message, sheet.start_tag, "this stylesheet");
            Err(Reported)
        }
    }
}
