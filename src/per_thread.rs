//! One value for each thread of rayon's pool, and one more for any other
//! thread: what a thread keeps from one piece of work to the next (rayon
//! cuts work into more pieces than threads), without threads waiting on
//! each other. The search index's word readers and the output's last
//! folder made are kept this way.

use std::sync::{Mutex, MutexGuard};

pub(crate) struct PerThread<T> {
    slots: Box<[Mutex<T>]>,
}

impl<T> PerThread<T> {
    /// A value made by `make` for each thread of the current pool, and one
    /// for the others.
    pub(crate) fn new(mut make: impl FnMut() -> T) -> PerThread<T> {
        PerThread {
            slots: (0..=rayon::current_num_threads())
                .map(|_| Mutex::new(make()))
                .collect(),
        }
    }

    /// The calling thread's value. Threads outside the pool share the
    /// last one (and may wait on each other for it).
    pub(crate) fn mine(&self) -> MutexGuard<'_, T> {
        let last = self.slots.len() - 1;
        let at = rayon::current_thread_index().map_or(last, |i| i.min(last));
        lock(&self.slots[at])
    }

    /// Every thread's value, one after another.
    pub(crate) fn each(&self) -> impl Iterator<Item = MutexGuard<'_, T>> {
        self.slots.iter().map(lock)
    }
}

/// A value's lock: a thread that panicked with it held leaves the value
/// as it was, which is still this thread's to use.
fn lock<T>(slot: &Mutex<T>) -> MutexGuard<'_, T> {
    slot.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn each_pool_thread_keeps_its_own_value_across_pieces_of_work() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        pool.install(|| {
            let seen = PerThread::new(Vec::new);
            (0..1000).into_par_iter().for_each(|n| {
                let mut mine = seen.mine();
                // No other thread ever wrote into this thread's value.
                let me = rayon::current_thread_index();
                assert!(mine.iter().all(|&(t, _)| t == me));
                mine.push((me, n));
            });
            let all: usize = seen.each().map(|v| v.len()).sum();
            assert_eq!(all, 1000);
            assert_eq!(seen.each().count(), 4, "three threads and the others");
        });
        // Outside the pool: the last value.
        let outside = PerThread::new(|| 0);
        *outside.mine() += 1;
        assert_eq!(*outside.each().last().unwrap(), 1);
    }
}
