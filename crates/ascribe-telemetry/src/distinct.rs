//! Distinct source addresses per group in bounded memory: exact up to [`EXACT_MAX`]
//! addresses, then a HyperLogLog sketch (2^10 registers, about 3% standard error).

use std::hash::{BuildHasher, Hash, Hasher};

pub const EXACT_MAX: usize = 64;
const P: u32 = 10;
const M: usize = 1 << P;

#[derive(Debug, Clone)]
pub enum Distinct {
    Exact(Vec<u128>),
    Sketch(Box<[u8; M]>),
}

impl Default for Distinct {
    fn default() -> Self {
        Distinct::Exact(Vec::new())
    }
}

fn hash(a: u128) -> u64 {
    // A fixed-key hasher: the same address always lands in the same register.
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    a.hash(&mut h);
    // Fx is weak in the low bits for structured keys: finish with a 64-bit mixer.
    let mut x = h.finish();
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

fn sketch_add(regs: &mut [u8; M], a: u128) {
    let h = hash(a);
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
    pub fn insert(&mut self, a: u128) {
        match self {
            Distinct::Exact(v) => {
                if let Err(i) = v.binary_search(&a) {
                    if v.len() < EXACT_MAX {
                        v.insert(i, a);
                        return;
                    }
                    let mut regs = Box::new([0u8; M]);
                    for &x in v.iter() {
                        sketch_add(&mut regs, x);
                    }
                    sketch_add(&mut regs, a);
                    *self = Distinct::Sketch(regs);
                }
            }
            Distinct::Sketch(regs) => sketch_add(regs, a),
        }
    }

    pub fn merge(&mut self, other: &Distinct) {
        match other {
            Distinct::Exact(v) => {
                for &a in v {
                    self.insert(a);
                }
            }
            Distinct::Sketch(o) => {
                if let Distinct::Exact(v) = self {
                    let mut regs = Box::new([0u8; M]);
                    for &x in v.iter() {
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
            Distinct::Exact(v) => (v.len() as u64, true),
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
        for i in 0..50u128 {
            d.insert(i);
            d.insert(i);
        }
        assert_eq!(d.count(), (50, true));
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
    }
}
