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

/// Where one scope document sits in the merge.
#[derive(Clone, Copy, Debug)]
pub struct DocAt<'p> {
    /// The document.
    pub doc: &'p PolicyDoc,
    /// Its scope.
    pub kind: DocKind,
    /// Its declaration scope: 0 for the service, `1 + i` for workspace `i`.
    pub scope: usize,
}

/// One operation's place in the merge, with the program-wide indices of its API and product
/// (APIs and products of the service first, then each workspace's, in declaration order).
#[derive(Clone, Copy, Debug)]
pub struct OperationAt<'p> {
    /// The API.
    pub api: &'p Api,
    /// Its index among every scope's APIs.
    pub api_index: usize,
    /// The operation, and its index in the API.
    pub operation: (usize, &'p Operation),
    /// The product whose policy takes part, and its index among every scope's products.
    pub product: Option<(usize, &'p Product)>,
    /// The declaration scope (0: the service, `1 + i`: workspace `i`).
    pub scope: usize,
}

/// A consumer of the scope merge: what it makes of each written section, and of each
/// operation's four merged sections. The merge itself ([`merge`]) is the one place that
/// orders global → workspace → product → API → operation and splices `<base/>`.
pub trait Merge<'p> {
    /// A merged section (a list of statements, a block of the program, …).
    type Section: Clone;

    /// The section of a scope document that writes it, over its parent's merged section.
    fn section(
        &mut self,
        at: DocAt<'p>,
        index: usize,
        section: &'p Element,
        parent: &Self::Section,
    ) -> Self::Section;

    /// One operation's merged sections (`inbound`, `backend`, `outbound`, `on-error`).
    fn operation(&mut self, at: OperationAt<'p>, sections: [Self::Section; 4]);

    /// The global scope's sections alone, when the project has a global policy: what runs
    /// (its `on-error`) for a request that matches no API or operation.
    fn global(&mut self, _sections: &[Self::Section; 4]) {}
}

/// Runs the scope merge over `project`, below `top` (the sections nothing writes): every
/// operation once without a product, and once per product that includes its API and has
/// a policy of its own. APIs of a workspace run the workspace's policy between the global
/// one and the product's.
pub fn merge<'p, M: Merge<'p>>(project: &'p Project, top: &[M::Section; 4], m: &mut M) {
    let global = sections_of(m, project.global.as_ref(), DocKind::Global, 0, top);
    if project.global.is_some() {
        m.global(&global);
    }
    let mut next = Next::default();
    scope(m, project, 0, &global, &mut next);
    for (i, ws) in project.workspaces.iter().enumerate() {
        let parent = sections_of(
            m,
            ws.project.global.as_ref(),
            DocKind::Workspace,
            i + 1,
            &global,
        );
        scope(m, &ws.project, i + 1, &parent, &mut next);
    }
}

/// The program-wide indices the next scope's APIs and products start at.
#[derive(Default)]
struct Next {
    api: usize,
    product: usize,
}

/// The operations of the APIs of one declaration scope below `parent`.
fn scope<'p, M: Merge<'p>>(
    m: &mut M,
    project: &'p Project,
    scope: usize,
    parent: &[M::Section; 4],
    next: &mut Next,
) {
    for (ai, api) in project.apis.iter().enumerate() {
        let mut parents = vec![(None, parent.clone())];
        for (pi, product) in project.products.iter().enumerate() {
            if product.policy.is_some() && product.apis.contains(&api.name) {
                let s = sections_of(m, product.policy.as_ref(), DocKind::Product, scope, parent);
                parents.push((Some((next.product + pi, product)), s));
            }
        }
        for (product, parent) in parents {
            let api_sections = sections_of(m, api.policy.as_ref(), DocKind::Api, scope, &parent);
            for (oi, operation) in api.operations.iter().enumerate() {
                let policy = operation.policy.as_ref();
                let sections = sections_of(m, policy, DocKind::Operation, scope, &api_sections);
                let at = OperationAt {
                    api,
                    api_index: next.api + ai,
                    operation: (oi, operation),
                    product,
                    scope,
                };
                m.operation(at, sections);
            }
        }
    }
    next.api += project.apis.len();
    next.product += project.products.len();
}

/// A scope's sections over `parent`: a section the document writes is merged by `m`; one
/// it does not write, or a missing document, keeps the parent's, as if it held only
/// `<base/>`.
fn sections_of<'p, M: Merge<'p>>(
    m: &mut M,
    doc: Option<&'p PolicyDoc>,
    kind: DocKind,
    scope: usize,
    parent: &[M::Section; 4],
) -> [M::Section; 4] {
    let Some(doc) = doc else {
        return parent.clone();
    };
    let root = doc
        .parsed
        .document
        .root_elements()
        .next()
        .filter(|r| &*r.name.text == "policies");
    let at = DocAt { doc, kind, scope };
    std::array::from_fn(|i| {
        let written = root.and_then(|r| r.child_elements().find(|s| &*s.name.text == SECTIONS[i]));
        match written {
            None => parent[i].clone(),
            Some(section) => m.section(at, i, section, &parent[i]),
        }
    })
}

/// Every operation's effective pipeline, as statements (for the checks and `explain
/// --effective`).
pub fn pipelines(project: &Project) -> Vec<Effective<'_>> {
    let mut flat = Flatten(Vec::new());
    merge(project, &Default::default(), &mut flat);
    flat.0
}

/// The merge as lists of statements.
struct Flatten<'p>(Vec<Effective<'p>>);

impl<'p> Merge<'p> for Flatten<'p> {
    type Section = Section<'p>;

    fn section(
        &mut self,
        at: DocAt<'p>,
        _: usize,
        section: &'p Element,
        parent: &Section<'p>,
    ) -> Section<'p> {
        let origin = Origin {
            file: &at.doc.file,
            kind: at.kind,
        };
        splice(section, origin, parent)
    }

    fn operation(&mut self, at: OperationAt<'p>, sections: [Section<'p>; 4]) {
        self.0.push(Effective {
            api: at.api,
            operation: at.operation.1,
            product: at.product.map(|(_, p)| p),
            sections,
        });
    }
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
