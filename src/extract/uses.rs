//! The names a function body uses, and the compact list a file keeps them in until the graph
//! resolves them.
//!
//! A tree the size of Linux holds about eight million uses between extraction and the graph,
//! more than any other record, so [`UseList`] stores each in 8 bytes instead of the 12 of a
//! [`Use`]: the name index, line and column get as many bits as real files need, and the rare
//! use that does not fit is kept whole beside the list.
//!
//! Once a file is read its packed uses can move into a chunk shared with the files read after
//! it on the same thread ([`UseList::share`]). The graph drops each file's uses as soon as it
//! has resolved them, and a chunk is freed whole when its last file's are dropped: freed one by
//! one, the lists would leave holes between the records kept per file, too small to give back
//! to the system.

use super::le_words;
use crate::model::{Guard, LineMark, UseKind, UseMark};
use std::sync::Arc;
use thin_vec::ThinVec;

/// One name used by a function body; each name is recorded once per function, as a call if it
/// is called anywhere in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Use {
    /// Index into [`FileFunctions::names`](super::FileFunctions::names).
    pub name: u32,
    /// The line, with the kind, the guard and the deferred mark (the mark's flag).
    line_and_kind: LineMark,
    /// 1-based byte column of the first call (or, for a reference, the first mention).
    pub column: u32,
}

impl Use {
    /// A use of name `name`, of `kind`, first at `line` and `column`, under `guard`, not
    /// deferred.
    pub fn new(name: u32, kind: UseKind, line: u32, column: u32, guard: Guard) -> Use {
        Use {
            name,
            line_and_kind: LineMark::new(line, UseMark::new(kind, guard, false)),
            column,
        }
    }

    /// Call or reference.
    pub fn kind(&self) -> UseKind {
        self.line_and_kind.mark().kind()
    }

    /// 1-based line of the first call (or, for a reference, the first mention).
    pub fn line(&self) -> u32 {
        self.line_and_kind.line()
    }

    /// Where it runs relative to a `[[guard]]`'s context: a name used both under a guard and
    /// elsewhere (or under both branches) is unguarded.
    pub fn guard(&self) -> Guard {
        self.line_and_kind.mark().guard()
    }

    /// For a reference: it is handed to the same `[[deferred]]` call at every mention, so it
    /// runs elsewhere, later.
    pub fn deferred(&self) -> bool {
        self.line_and_kind.mark().flag()
    }

    /// Sets the kind.
    pub fn set_kind(&mut self, kind: UseKind) {
        let mark = self.line_and_kind.mark().with_kind(kind);
        self.line_and_kind = self.line_and_kind.with_mark(mark);
    }

    /// Sets the guard.
    pub fn set_guard(&mut self, guard: Guard) {
        let mark = self.line_and_kind.mark().with_guard(guard);
        self.line_and_kind = self.line_and_kind.with_mark(mark);
    }

    /// Sets the deferred mark.
    pub fn set_deferred(&mut self, deferred: bool) {
        let mark = self.line_and_kind.mark().with_flag(deferred);
        self.line_and_kind = self.line_and_kind.with_mark(mark);
    }

    /// Sets the line and column.
    pub fn set_position(&mut self, line: u32, column: u32) {
        self.line_and_kind = self.line_and_kind.with_line(line);
        self.column = column;
    }
}

/// Bits of a packed use given to its name index, line and column: a use fits if its name index
/// is below 16,777,216, its line below 4,194,304 and its column below 4,095.
const PACKED_NAME_BITS: u32 = 24;
const PACKED_LINE_BITS: u32 = 22;
const PACKED_COLUMN_BITS: u32 = 12;

/// Where each part starts in a packed use. The kind, guard and deferred mark (the use's
/// [`UseMark`]) are the top bits.
const PACKED_LINE_SHIFT: u32 = PACKED_NAME_BITS;
const PACKED_COLUMN_SHIFT: u32 = PACKED_LINE_SHIFT + PACKED_LINE_BITS;
const PACKED_FLAGS_SHIFT: u32 = PACKED_COLUMN_SHIFT + PACKED_COLUMN_BITS;

/// The column value that marks a use kept whole in [`UseList::wide`].
const WIDE: u64 = (1 << PACKED_COLUMN_BITS) - 1;

/// The mask of `bits` low bits.
const fn mask(bits: u32) -> u64 {
    (1 << bits) - 1
}

/// A file's uses, in order, 8 bytes each.
///
/// Every use that fits is packed in one word; one that does not (a name index, line or column
/// too large) has a marker as its packed column and is kept whole beside the words. Which form
/// a use takes depends only on its value, so two lists with the same uses are equal, wherever
/// their words are kept.
#[derive(Clone, Default)]
pub struct UseList {
    words: Words,
    /// The uses that do not fit, with their index, in index order.
    wide: ThinVec<(u32, Use)>,
}

/// Where a list's packed uses are kept.
#[derive(Clone)]
enum Words {
    /// In a list of the file's own, which extraction appends to.
    Own(ThinVec<u64>),
    /// In `chunk[start..end]`, a chunk shared with other files' lists.
    Shared {
        chunk: Arc<[u64]>,
        start: u32,
        end: u32,
    },
}

impl Default for Words {
    fn default() -> Self {
        Words::Own(ThinVec::new())
    }
}

impl UseList {
    /// The number of uses.
    pub fn len(&self) -> usize {
        self.packed().len()
    }

    /// True if there is no use.
    pub fn is_empty(&self) -> bool {
        self.packed().is_empty()
    }

    /// Use `index`.
    ///
    /// # Panics
    ///
    /// If `index` is out of bounds.
    pub fn get(&self, index: u32) -> Use {
        match unpack(self.packed()[index as usize]) {
            Some(used) => used,
            None => self.wide[self.wide_position(index).unwrap_or_else(|_| unreachable!())].1,
        }
    }

    /// Appends `used`.
    pub fn push(&mut self, used: Use) {
        let words = self.own_words();
        let index = words.len() as u32;
        match pack(used) {
            Some(packed) => words.push(packed),
            None => {
                words.push(WIDE << PACKED_COLUMN_SHIFT);
                self.wide.push((index, used));
            }
        }
    }

    /// Replaces use `index` with `used`.
    ///
    /// # Panics
    ///
    /// If `index` is out of bounds.
    pub fn set(&mut self, index: u32, used: Use) {
        let position = self.wide_position(index);
        let slot = &mut self.own_words()[index as usize];
        match (pack(used), position) {
            (Some(packed), Ok(at)) => {
                *slot = packed;
                self.wide.remove(at);
            }
            (Some(packed), Err(_)) => *slot = packed,
            (None, Ok(at)) => self.wide[at].1 = used,
            (None, Err(at)) => {
                *slot = WIDE << PACKED_COLUMN_SHIFT;
                self.wide.insert(at, (index, used));
            }
        }
    }

    /// Changes use `index` with `change`.
    pub fn update(&mut self, index: u32, change: impl FnOnce(&mut Use)) {
        let mut used = self.get(index);
        change(&mut used);
        self.set(index, used);
    }

    /// The uses from index `start` up to `end`, in order.
    ///
    /// # Panics
    ///
    /// If the range is out of bounds.
    pub fn range(&self, start: u32, end: u32) -> impl ExactSizeIterator<Item = Use> + '_ {
        let packed = &self.packed()[start as usize..end as usize];
        (start..end)
            .zip(packed)
            .map(move |(index, &packed)| unpack(packed).unwrap_or_else(|| self.get(index)))
    }

    /// Every use, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Use> + '_ {
        self.range(0, self.len() as u32)
    }

    /// Moves the packed uses of `lists` into one chunk that they share, each its own run of it
    /// in the order given. The chunk is freed when the last of them is dropped.
    pub fn share<'l>(lists: impl IntoIterator<Item = &'l mut UseList>) {
        let mut lists: Vec<&mut UseList> = lists.into_iter().collect();
        let mut chunk = Vec::with_capacity(lists.iter().map(|list| list.len()).sum());
        let mut runs = Vec::with_capacity(lists.len());
        for list in &lists {
            let start = chunk.len() as u32;
            chunk.extend_from_slice(list.packed());
            runs.push((start, chunk.len() as u32));
        }
        let chunk: Arc<[u64]> = chunk.into();
        for (list, (start, end)) in lists.iter_mut().zip(runs) {
            list.words = Words::Shared {
                chunk: Arc::clone(&chunk),
                start,
                end,
            };
        }
    }

    /// Forgets every use, keeping the memory of a list of its own.
    pub(super) fn clear(&mut self) {
        match &mut self.words {
            Words::Own(words) => words.clear(),
            Words::Shared { .. } => self.words = Words::default(),
        }
        self.wide.clear();
    }

    /// The packed uses.
    fn packed(&self) -> &[u64] {
        match &self.words {
            Words::Own(words) => words,
            Words::Shared { chunk, start, end } => &chunk[*start as usize..*end as usize],
        }
    }

    /// The packed uses in a list of the file's own, copied out of a shared chunk if they are
    /// there, so that they can change.
    fn own_words(&mut self) -> &mut ThinVec<u64> {
        if let Words::Shared { .. } = self.words {
            self.words = Words::Own(self.packed().iter().copied().collect());
        }
        match &mut self.words {
            Words::Own(words) => words,
            Words::Shared { .. } => unreachable!("just made a list of its own"),
        }
    }

    /// Where use `index` is (or would go) in [`UseList::wide`].
    fn wide_position(&self, index: u32) -> Result<usize, usize> {
        self.wide.binary_search_by_key(&index, |&(at, _)| at)
    }
}

impl PartialEq for UseList {
    fn eq(&self, other: &Self) -> bool {
        self.packed() == other.packed() && self.wide == other.wide
    }
}

impl Eq for UseList {}

/// A list is stored as its packed words, as little-endian bytes (reading them back is a copy,
/// not a decoding of each), and its wide uses.
impl serde::Serialize for UseList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        /// The packed words, written as bytes.
        struct Packed<'w>(&'w [u64]);
        impl serde::Serialize for Packed<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                le_words::serialize(self.0, serializer)
            }
        }
        let mut tuple = serializer.serialize_tuple(2)?;
        tuple.serialize_element(&Packed(self.packed()))?;
        tuple.serialize_element(&self.wide)?;
        tuple.end()
    }
}

impl<'de> serde::Deserialize<'de> for UseList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// The packed words, read back from their bytes.
        struct Packed(ThinVec<u64>);
        impl<'de> serde::Deserialize<'de> for Packed {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                le_words::u64s::deserialize(deserializer).map(Packed)
            }
        }
        let (words, wide): (Packed, ThinVec<(u32, Use)>) =
            serde::Deserialize::deserialize(deserializer)?;
        Ok(UseList {
            words: Words::Own(words.0),
            wide,
        })
    }
}

impl std::fmt::Debug for UseList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// `used` in 8 bytes, or `None` if it does not fit.
fn pack(used: Use) -> Option<u64> {
    let (name, line, column) = (
        u64::from(used.name),
        u64::from(used.line()),
        u64::from(used.column),
    );
    let fits = name <= mask(PACKED_NAME_BITS) && line <= mask(PACKED_LINE_BITS) && column < WIDE;
    let flags = u64::from(used.line_and_kind.mark().bits());
    fits.then_some(
        name | line << PACKED_LINE_SHIFT
            | column << PACKED_COLUMN_SHIFT
            | flags << PACKED_FLAGS_SHIFT,
    )
}

/// The use `packed` holds, or `None` if it is kept whole.
fn unpack(packed: u64) -> Option<Use> {
    let column = (packed >> PACKED_COLUMN_SHIFT) & mask(PACKED_COLUMN_BITS);
    if column == WIDE {
        return None;
    }
    let line = (packed >> PACKED_LINE_SHIFT) & mask(PACKED_LINE_BITS);
    let flags = packed >> PACKED_FLAGS_SHIFT;
    Some(Use {
        name: (packed & mask(PACKED_NAME_BITS)) as u32,
        line_and_kind: LineMark::new(line as u32, UseMark::from_bits(flags as u8)),
        column: column as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A use with every part set, so that a part lost or shifted wrongly shows.
    fn sample(name: u32, line: u32, column: u32) -> Use {
        let mut used = Use::new(name, UseKind::Field, line, column, Guard::Outside);
        used.set_deferred(true);
        used
    }

    #[test]
    fn uses_that_fit_and_uses_that_do_not_read_back_as_written() {
        let uses = [
            sample(0, 1, 1),
            sample((1 << 24) - 1, (1 << 22) - 1, 4094),
            sample(1 << 24, 1, 1),
            sample(3, 1 << 22, 1),
            sample(3, 7, 4095),
            sample(u32::MAX, 67_108_863, u32::MAX),
            Use::new(9, UseKind::Call, 12, 5, Guard::None),
        ];
        let mut list = UseList::default();
        for used in uses {
            list.push(used);
        }
        assert_eq!(list.len(), uses.len());
        assert_eq!(list.iter().collect::<Vec<_>>(), uses);
        assert_eq!(list.range(2, 5).collect::<Vec<_>>(), uses[2..5]);
        assert_eq!(
            list.wide.len(),
            4,
            "only the uses that do not fit are kept whole"
        );
    }

    #[test]
    fn a_use_changed_between_the_forms_reads_back_and_the_lists_stay_equal() {
        let mut changed = UseList::default();
        let mut direct = UseList::default();
        for index in 0..4 {
            changed.push(sample(index, 1, 1));
        }
        let wide = sample(2, 1, 100_000);
        changed.set(2, wide);
        changed.set(1, sample(1, 1 << 23, 1));
        assert_eq!(changed.get(2), wide);
        changed.update(1, |used| used.set_position(8, 2));
        changed.update(2, |used| used.set_kind(UseKind::Call));
        changed.update(3, |used| used.set_position(9, 70_000));
        for (index, used) in [
            sample(0, 1, 1),
            sample(1, 8, 2),
            {
                let mut used = wide;
                used.set_kind(UseKind::Call);
                used
            },
            sample(3, 9, 70_000),
        ]
        .into_iter()
        .enumerate()
        {
            assert_eq!(changed.get(index as u32), used);
            direct.push(used);
        }
        assert_eq!(changed, direct);
    }

    #[test]
    fn lists_moved_into_a_shared_chunk_read_the_same_and_can_still_change() {
        let lists: Vec<UseList> = [
            vec![],
            vec![sample(1, 2, 3), sample(4, 5, 100_000)],
            vec![sample(6, 7, 8)],
        ]
        .into_iter()
        .map(|uses| {
            let mut list = UseList::default();
            uses.into_iter().for_each(|used| list.push(used));
            list
        })
        .collect();
        let mut shared = lists.clone();
        UseList::share(&mut shared);
        assert_eq!(shared, lists);
        assert!(
            shared
                .iter()
                .all(|list| matches!(list.words, Words::Shared { .. }))
        );
        let changed = sample(9, 9, 9);
        shared[1].set(0, changed);
        shared[2].push(changed);
        assert_eq!(
            shared[1].iter().collect::<Vec<_>>(),
            [changed, sample(4, 5, 100_000)]
        );
        assert_eq!(
            shared[2].iter().collect::<Vec<_>>(),
            [sample(6, 7, 8), changed]
        );
        assert_eq!(shared[0], lists[0], "the other lists keep their uses");
    }
}
