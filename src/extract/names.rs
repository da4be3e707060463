//! Names: one file's identifiers interned once each, the keywords extraction cares about, and
//! the table of names a file's definitions and uses refer to.

use super::Recognizer;
use crate::context::ContextId;
use hashbrown::HashTable;
use rustc_hash::FxHasher;
use std::hash::Hasher;
use std::ops::Range;

/// The names one file's definitions and uses refer to, stored end to end in one string.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NameTable {
    text: String,
    #[serde(with = "super::le_words::u32s")]
    ends: Vec<u32>,
}

impl NameTable {
    /// An empty table with room for `names` names of `bytes` bytes in all.
    pub(crate) fn with_capacity(names: usize, bytes: usize) -> NameTable {
        NameTable {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(names),
        }
    }

    /// The text of name `index`.
    pub fn get(&self, index: u32) -> &str {
        let index = index as usize;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.text[start as usize..self.ends[index] as usize]
    }

    /// The hash of name `index` (by [`name_hash`]). It is computed again on each call rather
    /// than stored: callers look each name up once, and a tree holds millions of names.
    pub fn hash(&self, index: u32) -> u64 {
        name_hash(self.get(index).as_bytes())
    }

    /// The number of names.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True if there is no name.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Every name, in index order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len() as u32).map(|i| self.get(i))
    }

    /// Forgets every name, keeping the memory.
    pub(super) fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// Adds `name` (a name pasted by a macro, or copied from another table) and returns its
    /// index.
    pub(crate) fn push_str(&mut self, name: &str) -> u32 {
        self.text.push_str(name);
        self.end_name()
    }

    /// Adds `name`, read from a file, and returns its index.
    pub(super) fn push(&mut self, name: &[u8]) -> u32 {
        // Identifiers are ASCII by the lexer's pattern, so the lossy path is never taken.
        match std::str::from_utf8(name) {
            Ok(name) => self.text.push_str(name),
            Err(_) => self.text.push_str(&String::from_utf8_lossy(name)),
        }
        self.end_name()
    }

    /// Ends the name just added to the text, and returns its index.
    fn end_name(&mut self) -> u32 {
        self.ends.push(self.text.len() as u32);
        self.ends.len() as u32 - 1
    }
}

/// C keywords that matter to the extractor; every other keyword is [`Keyword::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keyword {
    Static,
    Extern,
    Goto,
    /// `struct`, `union`, `enum`: a `{` after them opens a member list.
    Aggregate,
    /// A storage class or function specifier, which a K&R parameter declaration never starts
    /// with.
    Specifier,
    /// `const`, `volatile`, `restrict`: may start a declaration.
    Qualifier,
    /// `__attribute__`, `__declspec`, `sizeof`, `typeof`, `_Alignas`, `_Static_assert`,
    /// `_Generic`, `asm` and their kin: the parentheses after it hold attributes or an operand
    /// (a type, an expression, a string), so the words in them name no declared function.
    Operand,
    Other,
}

/// What an identifier is to the extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NameClass {
    Plain,
    Marker(ContextId),
    Keyword(Keyword),
}

pub(super) fn keyword(name: &[u8]) -> Option<Keyword> {
    Some(match name {
        b"static" => Keyword::Static,
        b"extern" => Keyword::Extern,
        b"goto" => Keyword::Goto,
        b"struct" | b"union" | b"enum" => Keyword::Aggregate,
        b"inline" | b"__inline" | b"__inline__" | b"typedef" | b"_Noreturn" | b"_Thread_local"
        | b"__thread" | b"thread_local" => Keyword::Specifier,
        b"const" | b"__const" | b"volatile" | b"__volatile__" | b"restrict" | b"__restrict"
        | b"__restrict__" => Keyword::Qualifier,
        b"__attribute__"
        | b"__attribute"
        | b"__declspec"
        | b"sizeof"
        | b"typeof"
        | b"__typeof__"
        | b"__typeof"
        | b"typeof_unqual"
        | b"_Alignof"
        | b"alignof"
        | b"__alignof__"
        | b"__alignof"
        | b"_Alignas"
        | b"alignas"
        | b"_Generic"
        | b"_Static_assert"
        | b"static_assert"
        | b"asm"
        | b"__asm__"
        | b"__asm"
        | b"__builtin_va_arg"
        | b"__builtin_offsetof"
        | b"__builtin_types_compatible_p"
        | b"_Pragma" => Keyword::Operand,
        b"if" | b"else" | b"while" | b"for" | b"do" | b"switch" | b"case" | b"default"
        | b"return" | b"break" | b"continue" | b"auto" | b"register" | b"void" | b"char"
        | b"short" | b"int" | b"long" | b"float" | b"double" | b"signed" | b"__signed__"
        | b"unsigned" | b"_Bool" | b"bool" | b"_Complex" | b"_Atomic" | b"__extension__"
        | b"__label__" | b"defined" => Keyword::Other,
        _ => return None,
    })
}

/// True if `name` is a C keyword (or a GNU one) rather than a name a function could have.
pub fn is_keyword(name: &str) -> bool {
    keyword(name.as_bytes()).is_some()
}

/// The hash of a name, the same in every file, so that names can be matched across files
/// without hashing them again.
pub fn name_hash(name: &[u8]) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(name);
    hasher.finish()
}

/// One file's identifiers, interned so that each distinct name is hashed and classified once.
/// Entries point into the source by offset, so the tables can be cleared and reused, with their
/// capacity, for the next file.
#[derive(Default)]
pub(super) struct Names {
    table: HashTable<u32>,
    pub(super) entries: Vec<NameEntry>,
}

pub(super) struct NameEntry {
    start: usize,
    len: usize,
    hash: u64,
    class: NameClass,
    /// The `[[deferred]]` entry (plus 1) of a call of this name, or 0.
    deferring: u16,
    /// Number (1-based) of the last function whose body used this name, 0 if none.
    pub(super) used_by: u32,
    /// Index of that use in [`FileFunctions::uses`](super::FileFunctions::uses).
    pub(super) use_index: u32,

    /// Index in the file's [`NameTable`], `u32::MAX` until the name is exported.
    exported: u32,
}

impl Names {
    pub(super) fn clear(&mut self) {
        self.table.clear();
        self.entries.clear();
    }

    pub(super) fn intern(
        &mut self,
        source: &[u8],
        span: Range<usize>,
        recognizer: &Recognizer,
    ) -> u32 {
        let text = &source[span.clone()];
        let hash = name_hash(text);
        let entries = &self.entries;
        let same = |&id: &u32| {
            let entry = &entries[id as usize];
            entry.hash == hash && &source[entry.start..entry.start + entry.len] == text
        };
        if let Some(&id) = self.table.find(hash, same) {
            return id;
        }
        let class = match (keyword(text), recognizer.marker(text)) {
            (_, Some(context)) => NameClass::Marker(context),
            (Some(keyword), None) => NameClass::Keyword(keyword),
            (None, None) => NameClass::Plain,
        };
        let id = self.entries.len() as u32;
        self.entries.push(NameEntry {
            start: span.start,
            len: text.len(),
            hash,
            class,
            deferring: recognizer.deferring_function(text),
            used_by: 0,
            use_index: 0,
            exported: u32::MAX,
        });
        let entries = &self.entries;
        self.table
            .insert_unique(hash, id, |&id| entries[id as usize].hash);
        id
    }

    pub(super) fn class(&self, id: u32) -> NameClass {
        self.entries[id as usize].class
    }

    /// The `[[deferred]]` entry (plus 1) of a call of name `id`, or 0.
    pub(super) fn deferring(&self, id: u32) -> u16 {
        self.entries[id as usize].deferring
    }

    /// The index of name `id` in `table`, adding it on first use.
    pub(super) fn export(&mut self, id: u32, source: &[u8], table: &mut NameTable) -> u32 {
        let entry = &mut self.entries[id as usize];
        if entry.exported == u32::MAX {
            entry.exported = table.push(&source[entry.start..entry.start + entry.len]);
        }
        entry.exported
    }
}
