// SPDX-License-Identifier: GPL-2.0
//! The growable lists the state keeps, supplied by the caller: the kernel
//! allocates with `GFP_KERNEL` and can fail; nothing here allocates.

/// An allocation failed (`ENOMEM`), for lists that report nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoMemory;

/// A list of `Copy` elements.
pub trait List<T: Copy>: Default {
    /// Why an element could not be added.
    type Error;

    /// The elements, in order.
    fn as_slice(&self) -> &[T];
    /// The elements, to change in place.
    fn as_mut_slice(&mut self) -> &mut [T];
    /// Appends `t`, or fails without changing the list.
    fn try_push(&mut self, t: T) -> Result<(), Self::Error>;
    /// Keeps the first `len` elements.
    fn truncate(&mut self, len: usize);

    /// Keeps the elements for which `keep` holds, in order; returns how
    /// many went.
    fn retain(&mut self, keep: impl Fn(&T) -> bool) -> usize {
        let v = self.as_mut_slice();
        let len = v.len();
        let mut kept = 0;
        for i in 0..len {
            if keep(&v[i]) {
                v[kept] = v[i];
                kept += 1;
            }
        }
        self.truncate(kept);
        len - kept
    }

    /// Whether no element is kept.
    fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

/// Where a state keeps its lists.
pub trait Storage {
    /// Why an element could not be added (the kernel's `ENOMEM`).
    type Error;
    /// A list of `T`.
    type List<T: Copy>: List<T, Error = Self::Error>;
}
