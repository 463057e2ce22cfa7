// SPDX-License-Identifier: GPL-2.0
//! How installed rules are kept: compact rules in page-sized chunks, per
//! func index lists beside them, one segment per update, and rule sets
//! that share the segments of the sets they extend.
//!
//! No allocation grows with the policy except the small vectors of chunk
//! pointers (kvmalloc'ed, 24 bytes per chunk), so a policy of any size
//! memory allows can be loaded, and appending never copies what is in
//! force. Everything an update needs is allocated while it is written
//! ([`Segment::push`], [`Update`]); installing it allocates nothing.

use core::ops::ControlFlow;
use ima_policy::{
    index_list, ActionMask, CompactRule, Decision, Event, LsmField, PolicySummary, PolicyWalk,
    Rule, INDEX_LISTS,
};
use kernel::prelude::*;
use kernel::sync::{Arc, UniqueArc};

/// A rule as stored: its core inline, its strings (most rules have
/// none, and then no allocation) in a buffer of their own.
pub(crate) type StoredRule = CompactRule<KVec<u8>>;

/// An append-only sequence kept in chunks of at most a page.
///
/// # Invariants
///
/// Every chunk but the last holds [`Chunked::PER_CHUNK`] items, the last
/// at least one; `len` is the total.
struct Chunked<T> {
    chunks: KVVec<KVec<T>>,
    len: usize,
}

impl<T> Chunked<T> {
    /// Items per chunk: a power of two, so a chunk growing by doubling
    /// from one item ends at exactly this capacity, within a page.
    const PER_CHUNK: usize = {
        let n = kernel::page::PAGE_SIZE / core::mem::size_of::<T>();
        if n == 0 {
            1
        } else {
            1 << (usize::BITS - 1 - n.leading_zeros())
        }
    };

    const fn new() -> Self {
        // INVARIANT: no chunks, no items.
        Self {
            chunks: KVVec::new(),
            len: 0,
        }
    }

    /// Appends `v`; on error nothing is appended.
    fn push(&mut self, v: T) -> Result {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < Self::PER_CHUNK => chunk.push(v, GFP_KERNEL)?,
            _ => {
                self.chunks.reserve(1, GFP_KERNEL)?;
                let mut chunk = KVec::new();
                chunk.push(v, GFP_KERNEL)?;
                // Reserved above: no allocation.
                self.chunks.push(chunk, GFP_KERNEL)?;
            }
        }
        // INVARIANT: the last chunk was not full, or a new one was added.
        self.len += 1;
        Ok(())
    }

    fn get(&self, i: usize) -> Option<&T> {
        self.chunks
            .get(i / Self::PER_CHUNK)?
            .get(i % Self::PER_CHUNK)
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// The chunks, in order.
    fn slices(&self) -> impl Iterator<Item = &[T]> {
        self.chunks.iter().map(|c| &c[..])
    }

    /// Bytes allocated, for the numbers in the log.
    fn footprint(&self) -> usize {
        self.chunks.capacity() * core::mem::size_of::<KVec<T>>()
            + self
                .chunks
                .iter()
                .map(|c| c.capacity() * core::mem::size_of::<T>())
                .sum::<usize>()
    }
}

/// The rules one update added, in order, with their index lists
/// (`ima_policy::index_list`) and summary.
pub(crate) struct Segment {
    rules: Chunked<StoredRule>,
    lists: [Chunked<u32>; INDEX_LISTS],
    summary: PolicySummary,
}

impl Segment {
    pub(crate) fn new() -> Self {
        Self {
            rules: Chunked::new(),
            lists: [const { Chunked::new() }; INDEX_LISTS],
            summary: PolicySummary::default(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.rules.len
    }

    /// Appends `rule`, allocating all it needs. On error the segment is
    /// to be dropped (its update is abandoned).
    pub(crate) fn push(&mut self, rule: &Rule) -> Result {
        let n = u32::try_from(self.rules.len).map_err(|_| E2BIG)?;
        let text = KVec::from_elem(0u8, StoredRule::text_len(rule), GFP_KERNEL)?;
        let stored = StoredRule::new(rule, text).ok_or(EINVAL)?;
        self.rules.push(stored)?;
        self.lists[index_list(rule)].push(n)?;
        self.summary.add(rule);
        Ok(())
    }

    fn iter(&self) -> impl Iterator<Item = &StoredRule> {
        self.rules.iter()
    }

    /// Feeds `walk` the rules its event's hook can match, in order
    /// (`ima_policy::candidate_runs`): plain loops over runs of rule
    /// numbers, no iterator adaptor per rule. `Break` once the walk is
    /// decided.
    fn walk(&self, walk: &mut PolicyWalk<'_, '_>) -> ControlFlow<()> {
        // Such rules are refused at load.
        let no_lsm = &mut |_: LsmField, _: &str| false;
        walk.step_indexed(
            || self.rules.slices(),
            |n| self.rules.get(n),
            |i| self.lists[i].slices(),
            no_lsm,
        )
    }

    /// Bytes allocated for the rules, their strings and the index.
    fn footprint(&self) -> usize {
        self.rules.footprint()
            + self
                .rules
                .iter()
                .map(|r| r.text_bytes().len())
                .sum::<usize>()
            + self.lists.iter().map(Chunked::footprint).sum::<usize>()
    }
}

/// An installed, immutable rule set: the segments of every update since
/// the last replacement, oldest first, shared with the sets before it.
pub(crate) struct RuleSet {
    segments: KVec<Arc<Segment>>,
    summary: PolicySummary,
}

impl RuleSet {
    /// A set of the rules of `segment` alone.
    pub(crate) fn new(segment: Segment) -> Result<Self> {
        let summary = segment.summary;
        let mut segments = KVec::with_capacity(1, GFP_KERNEL)?;
        segments.push(Arc::new(segment, GFP_KERNEL)?, GFP_KERNEL)?;
        Ok(Self { segments, summary })
    }

    /// Every rule, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &StoredRule> {
        self.segments.iter().flat_map(|s| s.iter())
    }

    pub(crate) fn len(&self) -> usize {
        self.segments.iter().map(|s| s.len()).sum()
    }

    /// Bytes allocated for the rules of the set (shared segments counted).
    pub(crate) fn footprint(&self) -> usize {
        self.segments.iter().map(|s| s.footprint()).sum()
    }

    pub(crate) fn summary(&self) -> &PolicySummary {
        &self.summary
    }

    /// The decision for every action class some rule can take
    /// (`ima_match_policy(.., ima_policy_flag, ..)`), without appraisal
    /// when `ima_appraise=off`. LSM label conditions never hold: such
    /// rules are refused at load. Walks only the rules of the event's
    /// hook (`ima_policy::candidate_runs`), segment by segment.
    pub(crate) fn evaluate(&self, event: &Event<'_>) -> Decision {
        let mut wanted = self.summary.actions;
        if !crate::appraise_mode::enabled() {
            wanted = ActionMask::from_bits(wanted.bits() & !ActionMask::APPRAISE.bits());
        }
        let mut walk = PolicyWalk::new(event, wanted);
        for segment in self.segments.iter() {
            if segment.walk(&mut walk).is_break() {
                break;
            }
        }
        walk.finish()
    }
}

/// A policy update being written: the rule set it will install, built
/// while the writes are parsed, so that installing it cannot fail for
/// lack of memory.
pub(crate) struct Update {
    /// The set in force when the update began, which it extends; `None`
    /// when it replaces the boot-time default.
    base: Option<Arc<RuleSet>>,
    /// The base's segments, with room for the new one.
    segments: KVec<Arc<Segment>>,
    /// The rules written.
    new: UniqueArc<Segment>,
    /// Where the new set will live.
    set: UniqueArc<core::mem::MaybeUninit<RuleSet>>,
}

impl Update {
    /// An empty update extending `base` (or replacing the policy, if
    /// `None`), with every allocation but the new rules' made.
    pub(crate) fn new(base: Option<Arc<RuleSet>>) -> Result<Self> {
        let old = base.as_deref().map_or(&[][..], |b| &b.segments[..]);
        let mut segments = KVec::with_capacity(old.len() + 1, GFP_KERNEL)?;
        for s in old {
            segments.push(s.clone(), GFP_KERNEL)?;
        }
        Ok(Self {
            base,
            segments,
            new: UniqueArc::new(Segment::new(), GFP_KERNEL)?,
            set: UniqueArc::new_uninit(GFP_KERNEL)?,
        })
    }

    /// Appends a rule to the update.
    pub(crate) fn push(&mut self, rule: &Rule) -> Result {
        self.new.push(rule)
    }

    /// The number of rules written.
    pub(crate) fn len(&self) -> usize {
        self.new.len()
    }

    /// The set in force the update was written against.
    pub(crate) fn base(&self) -> Option<&Arc<RuleSet>> {
        self.base.as_ref()
    }

    /// The new rule set. Allocates nothing: the room was made in
    /// [`Update::new`], so it cannot fail.
    pub(crate) fn finish(self) -> Result<Arc<RuleSet>> {
        let Self {
            base: _,
            mut segments,
            new,
            set,
        } = self;
        // Within the capacity reserved in `new()`: no allocation.
        segments.push(new.into(), GFP_NOWAIT)?;
        let summary = segments
            .iter()
            .fold(PolicySummary::default(), |s, seg| s.then(&seg.summary));
        Ok(set.write(RuleSet { segments, summary }).into())
    }
}
