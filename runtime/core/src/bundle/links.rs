//! Whole-table rules of a program bundle: pools of single backends, an acyclic and shallow
//! block graph.

use crate::bundle::{BundleError, DecodeLimits};
use crate::program::{Backend, BackendKind, Block};

/// Every pool member is a single backend (so resolving a pool never recurses).
pub(super) fn check_pools(backends: &[Backend], offsets: &[usize]) -> Result<(), BundleError> {
    for (i, b) in backends.iter().enumerate() {
        let BackendKind::Pool(members) = &b.kind else {
            continue;
        };
        for m in members {
            let single = backends
                .get(m.backend as usize)
                .is_some_and(|x| x.kind == BackendKind::Single);
            if !single {
                return Err(BundleError::new(
                    offsets.get(i).copied().unwrap_or(0),
                    format!(
                        "backend {i}: pool member {} is not a single backend",
                        m.backend
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The block graph as adjacency arrays: block `b`'s children are
/// `edges[starts[b]..starts[b + 1]]`.
fn graph(blocks: &[Block]) -> (Vec<usize>, Vec<u32>) {
    let mut starts = Vec::with_capacity(blocks.len() + 1);
    let mut edges = Vec::new();
    for b in blocks {
        starts.push(edges.len());
        for op in &b.ops {
            op.kind.blocks(&mut |c| edges.push(c));
        }
    }
    starts.push(edges.len());
    (starts, edges)
}

/// No block reaches itself through calls and branches (so running a block terminates),
/// and no path of nested blocks is longer than [`DecodeLimits::max_block_depth`] (so the
/// engine's nesting is bounded). Iterative and linear in blocks plus edges: a hostile graph
/// can neither overflow the stack nor make the check slow.
pub(super) fn check_blocks(
    blocks: &[Block],
    offsets: &[usize],
    limits: &DecodeLimits,
) -> Result<(), BundleError> {
    let (starts, edges) = graph(blocks);
    let span = |b: usize| {
        let lo = starts.get(b).copied().unwrap_or(0);
        (lo, starts.get(b + 1).copied().unwrap_or(lo))
    };
    // height[b]: None unvisited, Some(None) on the current path, Some(Some(h)) done, where
    // h is the number of blocks on the longest path starting at b.
    let mut height: Vec<Option<Option<usize>>> = vec![None; blocks.len()];
    let at = |b: usize| offsets.get(b).copied().unwrap_or(0);
    for root in 0..blocks.len() {
        if height.get(root).copied().flatten().is_some() {
            continue;
        }
        // (block, next edge, end of its edges, longest child height so far)
        let (lo, hi) = span(root);
        let mut stack: Vec<(usize, usize, usize, usize)> = vec![(root, lo, hi, 0)];
        if let Some(h) = height.get_mut(root) {
            *h = Some(None);
        }
        while let Some(top) = stack.last_mut() {
            let (b, e, end, best) = *top;
            if e >= end {
                let h = best + 1;
                if h > limits.max_block_depth {
                    return Err(BundleError::new(
                        at(b),
                        format!(
                            "block {b}: blocks nest {h} deep, over the limit of {}",
                            limits.max_block_depth
                        ),
                    ));
                }
                if let Some(slot) = height.get_mut(b) {
                    *slot = Some(Some(h));
                }
                stack.pop();
                if let Some(parent) = stack.last_mut() {
                    parent.3 = parent.3.max(h);
                }
                continue;
            }
            top.1 = e + 1;
            let c = edges.get(e).copied().unwrap_or(0) as usize;
            match height.get(c).copied().flatten() {
                Some(Some(h)) => top.3 = best.max(h),
                Some(None) => {
                    return Err(BundleError::new(
                        at(b),
                        format!(
                            "block {b} reaches block {c}, which reaches it again: \
                             blocks may not call themselves"
                        ),
                    ))
                }
                None => {
                    if let Some(slot) = height.get_mut(c) {
                        *slot = Some(None);
                    }
                    let (lo, hi) = span(c);
                    stack.push((c, lo, hi, 0));
                }
            }
        }
    }
    Ok(())
}
