//! The serializability check: given operations that ran at the same time, the answer each got
//! and the state they left, find an order in which running them one after another gives the
//! same answers and the same state. No order → the server let them interfere.

use reqwest::StatusCode;

/// An operation of a concurrency scenario, as the reference simulation runs it.
pub trait SerialOp<S> {
    /// Runs the operation on `state` as the server would when alone; returns its answer.
    fn apply(&self, state: &mut S) -> StatusCode;

    /// Answers that mean "lost a race and changed nothing" (a documented 409/410/412/503):
    /// such an operation is left out of the serial order.
    fn no_effect(&self, _status: StatusCode) -> bool {
        false
    }
}

/// An order (indices into `observed`) in which the operations that had an effect, run one by
/// one from `initial`, each give the answer observed and end in `end`; `None` if there is none.
pub fn serial_order<S, O>(initial: &S, observed: &[(O, StatusCode)], end: &S) -> Option<Vec<usize>>
where
    S: Clone + PartialEq,
    O: SerialOp<S>,
{
    let effective: Vec<usize> = (0..observed.len())
        .filter(|&i| !observed[i].0.no_effect(observed[i].1))
        .collect();
    let mut order = Vec::with_capacity(effective.len());
    let mut used = vec![false; effective.len()];
    search(initial, observed, &effective, end, &mut used, &mut order).then_some(order)
}

fn search<S, O>(
    state: &S,
    observed: &[(O, StatusCode)],
    effective: &[usize],
    end: &S,
    used: &mut [bool],
    order: &mut Vec<usize>,
) -> bool
where
    S: Clone + PartialEq,
    O: SerialOp<S>,
{
    if order.len() == effective.len() {
        return state == end;
    }
    for slot in 0..effective.len() {
        if used[slot] {
            continue;
        }
        let index = effective[slot];
        let (op, status) = &observed[index];
        let mut next = state.clone();
        if op.apply(&mut next) != *status {
            continue;
        }
        used[slot] = true;
        order.push(index);
        if search(&next, observed, effective, end, used, order) {
            return true;
        }
        order.pop();
        used[slot] = false;
    }
    false
}

/// A small deterministic generator (xorshift64*), so that a failing round can be replayed from
/// its seed without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// `name` from the environment as a number, else `default`.
pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The seed of this run: `CONCURRENCY_SEED`, else a fixed one (CI runs the same rounds).
pub fn seed() -> u64 {
    env_number("CONCURRENCY_SEED", 7)
}

/// Rounds per scenario: `CONCURRENCY_ROUNDS`, else `default` (quick in CI).
pub fn rounds(default: u64) -> u64 {
    env_number("CONCURRENCY_ROUNDS", default)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A counter with "add" (always 204) and "set to n if it is m" (204 or 409).
    #[derive(Clone, Copy)]
    enum Op {
        Add,
        Cas(u32, u32),
    }

    impl SerialOp<u32> for Op {
        fn apply(&self, s: &mut u32) -> StatusCode {
            match *self {
                Op::Add => {
                    *s += 1;
                    StatusCode::NO_CONTENT
                }
                Op::Cas(from, to) if *s == from => {
                    *s = to;
                    StatusCode::NO_CONTENT
                }
                Op::Cas(..) => StatusCode::CONFLICT,
            }
        }
    }

    #[test]
    fn the_checker_finds_orders_and_rejects_impossible_outcomes() {
        let ok = StatusCode::NO_CONTENT;
        // add, then 1→5: ends at 5.
        let observed = [(Op::Cas(1, 5), ok), (Op::Add, ok)];
        assert_eq!(serial_order(&0, &observed, &5), Some(vec![1, 0]));
        // A lost add: both say 204 but the counter moved once.
        let observed = [(Op::Add, ok), (Op::Add, ok)];
        assert_eq!(serial_order(&0, &observed, &1), None);
        // Two successful compare-and-sets from the same value cannot both have run.
        let observed = [(Op::Cas(0, 1), ok), (Op::Cas(0, 2), ok)];
        assert_eq!(serial_order(&0, &observed, &2), None);
        let observed = [(Op::Cas(0, 1), ok), (Op::Cas(0, 2), StatusCode::CONFLICT)];
        assert_eq!(serial_order(&0, &observed, &1), Some(vec![0, 1]));
    }
}
