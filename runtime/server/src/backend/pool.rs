//! Backend pools: priority groups, lowest priority first, weighted round robin within a group.
//!
//! A member whose circuit is open is skipped; when every member of a group is open the
//! next group takes the traffic. When every member of every group is open the pool has no
//! member to offer and the call fails with `BackendUnavailable`.

use gatehouse_runtime::program::{BackendId, PoolMember};
use std::sync::atomic::{AtomicU64, Ordering};

/// One priority group.
#[derive(Debug)]
struct Group {
    /// `(backend, weight)`; a weight of 0 counts as 1 so every member gets traffic.
    members: Vec<(BackendId, u32)>,
    /// Calls routed through this group so far (drives the round robin).
    cursor: AtomicU64,
}

/// A load-balanced pool of backends.
#[derive(Debug)]
pub struct Pool {
    groups: Vec<Group>,
}

impl Pool {
    /// A pool of `members`, grouped by priority (lower first, declaration order within).
    pub fn new(members: &[PoolMember]) -> Pool {
        let mut priorities: Vec<u32> = members.iter().map(|m| m.priority).collect();
        priorities.sort_unstable();
        priorities.dedup();
        let groups = priorities
            .into_iter()
            .map(|p| Group {
                members: members
                    .iter()
                    .filter(|m| m.priority == p)
                    .map(|m| (m.backend, m.weight.max(1)))
                    .collect(),
                cursor: AtomicU64::new(0),
            })
            .collect();
        Pool { groups }
    }

    /// Every member, in group order.
    pub fn members(&self) -> impl Iterator<Item = BackendId> + '_ {
        self.groups
            .iter()
            .flat_map(|g| g.members.iter().map(|m| m.0))
    }

    /// The member to call next: the first group with a member whose circuit is not open
    /// (`is_open`), then weighted round robin among that group's available members.
    pub fn pick(&self, is_open: impl Fn(BackendId) -> bool) -> Option<BackendId> {
        for group in &self.groups {
            let open: Vec<bool> = group.members.iter().map(|m| is_open(m.0)).collect();
            let total: u64 = group
                .members
                .iter()
                .zip(&open)
                .filter(|(_, o)| !**o)
                .map(|(m, _)| u64::from(m.1))
                .sum();
            if total == 0 {
                continue;
            }
            let mut slot = group.cursor.fetch_add(1, Ordering::Relaxed) % total;
            for (m, o) in group.members.iter().zip(&open) {
                if *o {
                    continue;
                }
                if slot < u64::from(m.1) {
                    return Some(m.0);
                }
                slot -= u64::from(m.1);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(backend: BackendId, priority: u32, weight: u32) -> PoolMember {
        PoolMember {
            backend,
            priority,
            weight,
        }
    }

    fn picks(pool: &Pool, n: usize, open: &[BackendId]) -> Vec<Option<BackendId>> {
        (0..n).map(|_| pool.pick(|b| open.contains(&b))).collect()
    }

    #[test]
    fn round_robin_within_a_group() {
        let pool = Pool::new(&[member(1, 1, 0), member(2, 1, 0), member(3, 1, 0)]);
        assert_eq!(picks(&pool, 6, &[]), [1, 2, 3, 1, 2, 3].map(Some).to_vec());
    }

    #[test]
    fn weights_share_the_traffic() {
        let pool = Pool::new(&[member(1, 1, 3), member(2, 1, 1)]);
        let got = picks(&pool, 400, &[]);
        let ones = got.iter().filter(|b| **b == Some(1)).count();
        assert_eq!(ones, 300);
    }

    #[test]
    fn lowest_priority_group_takes_all_traffic() {
        let pool = Pool::new(&[member(9, 2, 1), member(1, 1, 1), member(2, 1, 1)]);
        assert!(picks(&pool, 10, &[]).iter().all(|b| *b != Some(9)));
    }

    #[test]
    fn open_members_are_skipped_and_whole_open_groups_fall_through() {
        let pool = Pool::new(&[member(1, 1, 1), member(2, 1, 1), member(9, 2, 1)]);
        assert_eq!(picks(&pool, 3, &[1]), [Some(2); 3].to_vec());
        assert_eq!(picks(&pool, 3, &[1, 2]), [Some(9); 3].to_vec());
        assert_eq!(pool.pick(|_| true), None);
    }

    #[test]
    fn members_lists_every_backend_in_group_order() {
        let pool = Pool::new(&[member(9, 2, 1), member(1, 1, 1)]);
        assert_eq!(pool.members().collect::<Vec<_>>(), vec![1, 9]);
    }
}
