//! Scope merging: one effective pipeline per operation (and per product whose policy differs).

use crate::check::DocKind;
use crate::project::{Api, Operation, PolicyDoc, Product, Project};
use crate::SourceFile;
use gatehouse_grammar::syntax::{Element, Node};
use std::sync::Arc;

/// The sections of a policy, in the order they run.
pub const SECTIONS: [&str; 4] = ["inbound", "backend", "outbound", "on-error"];

/// Where an effective statement was written.
#[derive(Clone, Copy, Debug)]
pub struct Origin<'p> {
    /// The policy file.
    pub file: &'p Arc<SourceFile>,
    /// The scope of that file.
    pub kind: DocKind,
}

/// One statement of an effective section, with where it comes from.
#[derive(Clone, Copy, Debug)]
pub struct EffectiveItem<'p> {
    /// The policy element as written (an `<include-fragment>` stays one: consumers expand
    /// it through the project's fragments, so a fragment is kept once, not copied).
    pub element: &'p Element,
    /// Its file and scope.
    pub origin: Origin<'p>,
}

/// One effective section.
#[derive(Clone, Debug, Default)]
pub struct Section<'p> {
    /// Its statements, in execution order.
    pub items: Vec<EffectiveItem<'p>>,
}

/// The effective policy of one operation, called through one product (or none).
#[derive(Debug)]
pub struct Effective<'p> {
    /// The API.
    pub api: &'p Api,
    /// The operation.
    pub operation: &'p Operation,
    /// The product whose subscription was used, if its policy takes part.
    pub product: Option<&'p Product>,
    /// `inbound`, `backend`, `outbound`, `on-error`.
    pub sections: [Section<'p>; 4],
}

/// Every operation's effective pipeline: one without a product, and one per product that
/// includes the API and has a policy of its own. APIs of a workspace run the workspace's
/// policy between the global one and the product's.
pub fn pipelines(project: &Project) -> Vec<Effective<'_>> {
    let global = sections_of(project.global.as_ref(), DocKind::Global, &empty());
    let mut out = under(project, &global);
    for ws in &project.workspaces {
        let ws_sections = sections_of(ws.project.global.as_ref(), DocKind::Workspace, &global);
        out.extend(under(&ws.project, &ws_sections));
    }
    out
}

/// The pipelines of the APIs of one scope (the service, or a workspace) below `parent`.
fn under<'p>(project: &'p Project, parent: &[Section<'p>; 4]) -> Vec<Effective<'p>> {
    let mut out = Vec::new();
    for api in &project.apis {
        let mut parents = vec![(None, parent.clone())];
        for product in project
            .products
            .iter()
            .filter(|p| p.policy.is_some() && p.apis.contains(&api.name))
        {
            parents.push((
                Some(product),
                sections_of(product.policy.as_ref(), DocKind::Product, parent),
            ));
        }
        for (product, parent) in parents {
            let api_sections = sections_of(api.policy.as_ref(), DocKind::Api, &parent);
            for operation in &api.operations {
                let sections =
                    sections_of(operation.policy.as_ref(), DocKind::Operation, &api_sections);
                out.push(Effective {
                    api,
                    operation,
                    product,
                    sections,
                });
            }
        }
    }
    out
}

fn empty<'p>() -> [Section<'p>; 4] {
    Default::default()
}

/// A scope's sections with `<base/>` replaced by the parent's. A section the document does
/// not write at all inherits the parent's unchanged, as if it held only `<base/>`.
fn sections_of<'p>(
    doc: Option<&'p PolicyDoc>,
    kind: DocKind,
    parent: &[Section<'p>; 4],
) -> [Section<'p>; 4] {
    let Some(doc) = doc else {
        return parent.clone();
    };
    let root = doc
        .parsed
        .document
        .root_elements()
        .next()
        .filter(|r| &*r.name.text == "policies");
    std::array::from_fn(|i| {
        let written = root.and_then(|r| r.child_elements().find(|s| &*s.name.text == SECTIONS[i]));
        match written {
            None => parent[i].clone(),
            Some(section) => splice(
                section,
                Origin {
                    file: &doc.file,
                    kind,
                },
                &parent[i],
            ),
        }
    })
}

fn splice<'p>(section: &'p Element, origin: Origin<'p>, parent: &Section<'p>) -> Section<'p> {
    let mut items = Vec::new();
    for node in &section.children {
        let Node::Element(e) = node else { continue };
        if &*e.name.text == "base" {
            items.extend(parent.items.iter().copied());
        } else {
            items.push(EffectiveItem { element: e, origin });
        }
    }
    Section { items }
}
