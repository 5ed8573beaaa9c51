//! Distinct source addresses per group in bounded memory: exact up to [`EXACT_MAX`]
//! addresses, then a HyperLogLog sketch (2^10 registers, about 3% standard error).
//!
//! Addresses are kept as 64-bit hashes (a strong mixer over the 128-bit address): two
//! different addresses collide with probability about n²/2^65, far below one in a
//! billion for the set sizes kept exactly, and the enum stays 16 bytes.

use std::hash::BuildHasher;

pub const EXACT_MAX: usize = 128;
const P: u32 = 10;
const M: usize = 1 << P;

#[derive(Debug, Clone, Default)]
pub enum Distinct {
    #[default]
    Empty,
    /// No heap for the most common case: one source per group.
    One(u64),
    /// Sorted hashes, 2 to [`EXACT_MAX`] of them.
    #[allow(clippy::box_collection)] // 8 bytes in every group instead of 24.
    Many(Box<Vec<u64>>),
    Sketch(Box<[u8; M]>),
}

fn hash(a: u128) -> u64 {
    // Fx is weak in the low bits for structured keys: finish with a 64-bit mixer.
    let mut x = rustc_hash::FxBuildHasher.hash_one(a);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

fn sketch_add(regs: &mut [u8; M], h: u64) {
    let idx = (h >> (64 - P)) as usize;
    let rest = (h << P) | (1 << (P - 1));
    let rank = u8::try_from(rest.leading_zeros() + 1).unwrap_or(u8::MAX);
    if let Some(r) = regs.get_mut(idx) {
        if *r < rank {
            *r = rank;
        }
    }
}

impl Distinct {
    /// Adds an address.
    pub fn insert(&mut self, a: u128) {
        self.insert_hash(hash(a));
    }

    fn insert_hash(&mut self, h: u64) {
        match self {
            Distinct::Empty => *self = Distinct::One(h),
            Distinct::One(x) => {
                if *x != h {
                    let (lo, hi) = if *x < h { (*x, h) } else { (h, *x) };
                    *self = Distinct::Many(Box::new(vec![lo, hi]));
                }
            }
            Distinct::Many(v) => {
                if let Err(i) = v.binary_search(&h) {
                    if v.len() < EXACT_MAX {
                        v.insert(i, h);
                        return;
                    }
                    let mut regs = Box::new([0u8; M]);
                    for &x in v.iter() {
                        sketch_add(&mut regs, x);
                    }
                    sketch_add(&mut regs, h);
                    *self = Distinct::Sketch(regs);
                }
            }
            Distinct::Sketch(regs) => sketch_add(regs, h),
        }
    }

    pub fn merge(&mut self, other: &Distinct) {
        match other {
            Distinct::Empty => {}
            Distinct::One(h) => self.insert_hash(*h),
            Distinct::Many(v) => {
                for &h in v.iter() {
                    self.insert_hash(h);
                }
            }
            Distinct::Sketch(o) => {
                let exact: Option<Vec<u64>> = match self {
                    Distinct::Empty => Some(Vec::new()),
                    Distinct::One(x) => Some(vec![*x]),
                    Distinct::Many(v) => Some(std::mem::take(&mut **v)),
                    Distinct::Sketch(_) => None,
                };
                if let Some(v) = exact {
                    let mut regs = Box::new([0u8; M]);
                    for &x in &v {
                        sketch_add(&mut regs, x);
                    }
                    *self = Distinct::Sketch(regs);
                }
                if let Distinct::Sketch(regs) = self {
                    for (r, &x) in regs.iter_mut().zip(o.iter()) {
                        *r = (*r).max(x);
                    }
                }
            }
        }
    }

    /// The count, and whether it is exact.
    pub fn count(&self) -> (u64, bool) {
        match self {
            Distinct::Empty => (0, true),
            Distinct::One(_) => (1, true),
            Distinct::Many(v) => (v.len() as u64, true),
            Distinct::Sketch(regs) => {
                let m = M as f64;
                let sum: f64 = regs.iter().map(|&r| 2f64.powi(-i32::from(r))).sum();
                let zeros = regs.iter().filter(|&&r| r == 0).count();
                let alpha = 0.7213 / (1.0 + 1.079 / m);
                let mut e = alpha * m * m / sum;
                if e <= 2.5 * m && zeros > 0 {
                    e = m * (m / zeros as f64).ln();
                }
                (e.round() as u64, false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_then_estimated() {
        let mut d = Distinct::default();
        assert_eq!(d.count(), (0, true));
        for i in 0..50u128 {
            d.insert(i);
            d.insert(i);
        }
        assert_eq!(d.count(), (50, true));
        let mut one = Distinct::default();
        one.insert(7);
        one.insert(7);
        assert_eq!(one.count(), (1, true));
        one.insert(3);
        assert_eq!(one.count(), (2, true));
        for i in 0..10_000u128 {
            d.insert(i * 7919);
        }
        let (n, exact) = d.count();
        assert!(!exact);
        assert!((9_000..11_000).contains(&n), "{n}");
        let mut a = Distinct::default();
        let mut b = Distinct::default();
        for i in 0..5_000u128 {
            a.insert(i);
            b.insert(i + 2_500);
        }
        a.merge(&b);
        let (n, _) = a.count();
        assert!((6_800..8_200).contains(&n), "{n}");
        let mut c = Distinct::default();
        c.insert(1);
        c.merge(&one);
        assert_eq!(c.count(), (3, true));
    }
}
