//! Union–find over subject indices, with pairs a person judged different that must never
//! end up in one cluster.

use std::collections::HashMap;

pub struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
    /// Per root: subjects this cluster must never join (human "different").
    forbidden: HashMap<usize, Vec<usize>>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
            size: vec![1; n],
            forbidden: HashMap::new(),
        }
    }

    pub fn find(&mut self, mut x: usize) -> usize {
        let mut root = x;
        while let Some(&p) = self.parent.get(root) {
            if p == root {
                break;
            }
            root = p;
        }
        while let Some(&p) = self.parent.get(x) {
            if p == root {
                break;
            }
            if let Some(slot) = self.parent.get_mut(x) {
                *slot = root;
            }
            x = p;
        }
        root
    }

    pub fn forbid(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        self.forbidden.entry(ra).or_default().push(b);
        self.forbidden.entry(rb).or_default().push(a);
    }

    fn allowed(&mut self, ra: usize, rb: usize) -> bool {
        let list = self.forbidden.get(&ra).cloned().unwrap_or_default();
        !list.into_iter().any(|s| self.find(s) == rb)
    }

    /// Joins the clusters of `a` and `b` unless a human said they differ. Returns whether it
    /// joined them (false when already joined or forbidden).
    pub fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb || !self.allowed(ra, rb) || !self.allowed(rb, ra) {
            return false;
        }
        let (big, small) = if self.size.get(ra) >= self.size.get(rb) {
            (ra, rb)
        } else {
            (rb, ra)
        };
        if let Some(p) = self.parent.get_mut(small) {
            *p = big;
        }
        let small_size = self.size.get(small).copied().unwrap_or(0);
        if let Some(s) = self.size.get_mut(big) {
            *s += small_size;
        }
        if let Some(moved) = self.forbidden.remove(&small) {
            self.forbidden.entry(big).or_default().extend(moved);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_find_respects_forbidden_pairs() {
        let mut uf = UnionFind::new(4);
        uf.forbid(0, 3);
        assert!(uf.union(0, 1));
        assert!(uf.union(2, 3));
        assert!(!uf.union(1, 2), "0 and 3 were judged different");
        assert_ne!(uf.find(0), uf.find(3));
    }
}
