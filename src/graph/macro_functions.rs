//! Functions that macros define, and names that macros make.
//!
//! - A macro invoked at file scope whose expansion holds a function definition,
//!   `DEFINE_GETTER(foo)` with `#define DEFINE_GETTER(n) static int get_ ## n(void) { ... }`,
//!   defines that function in the invoking file: it becomes a definition there like any other
//!   (`static` if its expansion says so), at the invocation's line, using what its expanded
//!   body calls and mentions.
//! - A macro whose body, expanded, calls a name that only expansion makes (a pasted name, or a
//!   function called at scope exit by `__attribute__((cleanup(f)))`) calls it: such calls are
//!   added to the macro's, so that a function invoking the macro calls them.
//!
//! Both read the expansions of [`super::expand`].

use super::expand::{Expander, Piece, Templates, Tok};
use super::includes::Includes;
use crate::context::ContextSet;
use crate::extract::{
    FileFunctions, FunctionDef, MacroDef, Punct, Recognizer, TokenKind, Use, WordRange, is_keyword,
};
use crate::model::{Guard, UseKind};
use crate::source::SourceFile;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;

/// A function found in an expansion.
#[derive(Debug, Default)]
struct Defined<'a> {
    name: Cow<'a, str>,
    is_static: bool,
    markers: ContextSet,
    /// What its body uses, each name once, a call if called anywhere.
    uses: Vec<(Cow<'a, str>, UseKind)>,
}

/// What one file gains: the functions its invocations define (with the invocation's line and
/// column), and the calls its macros make through expansion.
#[derive(Default)]
struct Gains {
    functions: Vec<(u32, u32, Defined<'static>)>,
    macros: Vec<(u32, ContextSet, Vec<String>)>,
}

/// Adds to `files` the functions that their file-scope macro invocations define, and to their
/// macros the calls that only expansion shows. `recognizer` tells the markers in the bodies
/// apart.
pub(super) fn add_macro_functions(
    files: &mut [SourceFile],
    includes: &Includes,
    recognizer: Option<&Recognizer>,
) {
    let gains: Vec<Gains> = {
        let templates = Templates::build(files);
        if templates.is_empty() {
            return;
        }
        // A check of headers alone (no unit among the files) reads them all.
        let compiled = if files.iter().any(is_unit) {
            includes.reached_from_units(|f| is_unit(&files[f as usize]))
        } else {
            vec![true; files.len()]
        };
        files
            .par_iter()
            .enumerate()
            .map_init(
                || Expander::new(&templates, includes),
                |expander, (index, file)| {
                    let read_alone = !compiled[index];
                    gains_of(index as u32, file, expander, recognizer, read_alone)
                },
            )
            .collect()
    };
    // Each file takes its own gains: on QEMU 10.0 with the qemu preset, done in turn, this
    // was 36 ms of one thread.
    files
        .par_iter_mut()
        .zip(gains)
        .for_each(|(file, gains)| apply(&mut file.functions, gains));
}

/// True for a file compiled on its own: a `.c` file (not an included `.c.inc`). A header that
/// no such file reaches through resolved includes defines functions no file sees. Such headers
/// are also read with none of the macros their includers define first (`target/*/helper.h`
/// and the headers it includes, included as `#include HELPER_H` under three definitions of
/// `DEF_HELPER_FLAGS_n`), so expanding them would cost every definition of every macro for
/// nothing.
fn is_unit(file: &SourceFile) -> bool {
    file.path.ends_with(".c")
}

/// The functions and macro calls that `file`'s invocations add; with `read_alone` (a file no
/// unit reaches, see [`is_unit`]) only the macro calls.
fn gains_of<'a>(
    file_index: u32,
    file: &'a SourceFile,
    expander: &mut Expander<'_, 'a>,
    recognizer: Option<&Recognizer>,
    read_alone: bool,
) -> Gains {
    let extracted = &file.functions;
    let templates = expander.templates();
    let mut gains = Gains::default();
    if !extracted.invocations.is_empty() && !read_alone {
        let mut by_name: FxHashMap<String, usize> = FxHashMap::default();
        for invocation in &extracted.invocations {
            let name = extracted.names.get(invocation.name);
            if !templates.may_define(name) {
                continue;
            }
            let args = extracted
                .macro_tokens(invocation.args)
                .iter()
                .map(|token| {
                    Tok::new(match token.kind() {
                        TokenKind::Name(n) => Piece::Ident(Cow::Borrowed(extracted.names.get(n))),
                        TokenKind::Number(n) => {
                            Piece::Number(Cow::Borrowed(extracted.names.get(n)))
                        }
                        TokenKind::Param(_) => Piece::Unknown,
                        TokenKind::Punct(punct) => Piece::Punct(punct),
                    })
                })
                .collect();
            let Some(expansion) = expander.invocation(file_index, name, args) else {
                continue;
            };
            for defined in definitions(&expansion, recognizer) {
                let defined = owned(defined);
                // Two definitions of the macro may define the same function: one node.
                match by_name.get(defined.name.as_ref()) {
                    Some(&at) => merge(&mut gains.functions[at].2, defined),
                    None => {
                        by_name.insert(defined.name.to_string(), gains.functions.len());
                        gains
                            .functions
                            .push((invocation.line, invocation.column, defined));
                    }
                }
            }
        }
        // A function the file defines itself is read from its own text.
        let own: FxHashSet<&str> = extracted
            .functions
            .iter()
            .map(|f| extracted.names.get(f.name))
            .collect();
        gains
            .functions
            .retain(|(_, _, defined)| !own.contains(&defined.name.as_ref()));
    }
    for template in &extracted.templates {
        if !templates.makes_names(extracted.names.get(template.name)) {
            continue;
        }
        let Some(expansion) = expander.body(file_index, file, template) else {
            continue;
        };
        let (markers, uses) = body_uses(&expansion, recognizer);
        let calls: Vec<String> = uses
            .into_iter()
            .filter(|(_, kind)| *kind == UseKind::Call)
            .map(|(name, _)| name.into_owned())
            .collect();
        if !calls.is_empty() || !markers.is_empty() {
            gains.macros.push((template.name, markers, calls));
        }
    }
    gains
}

/// Adds `gains` to the file's definitions and macros.
fn apply(file: &mut FileFunctions, gains: Gains) {
    if gains.functions.is_empty() && gains.macros.is_empty() {
        return;
    }
    // The index of each name the gains use: found in the file's table, or added to it.
    let mut known: FxHashMap<String, u32> = FxHashMap::default();
    for (_, _, defined) in &gains.functions {
        known.insert(defined.name.to_string(), u32::MAX);
        for (name, _) in &defined.uses {
            known.insert(name.to_string(), u32::MAX);
        }
    }
    for (_, _, calls) in &gains.macros {
        known.extend(calls.iter().map(|call| (call.clone(), u32::MAX)));
    }
    for (index, name) in file.names.iter().enumerate() {
        if let Some(slot) = known.get_mut(name)
            && *slot == u32::MAX
        {
            *slot = index as u32;
        }
    }
    let mut name_index = |file: &mut FileFunctions, name: &str| match known.get_mut(name) {
        Some(slot) if *slot != u32::MAX => *slot,
        Some(slot) => {
            *slot = file.names.push_str(name);
            *slot
        }
        None => file.names.push_str(name),
    };
    for (line, column, defined) in gains.functions {
        let uses_start = file.uses.len() as u32;
        for (name, kind) in &defined.uses {
            let name = name_index(file, name);
            file.uses
                .push(Use::new(name, *kind, line, column, Guard::None));
        }
        let name = name_index(file, &defined.name);
        file.functions.push(FunctionDef {
            name,
            line,
            column,
            is_static: defined.is_static,
            markers: defined.markers,
            attributes: ContextSet::default(),
            words: WordRange::default(),
            uses_start,
            uses_end: file.uses.len() as u32,
        });
    }
    for (name, markers, calls) in gains.macros {
        let start = file.words.len() as u32;
        for call in &calls {
            let index = name_index(file, call);
            file.words.push(index);
        }
        let line = 0;
        file.macros.push(MacroDef {
            name,
            line,
            markers,
            calls: WordRange {
                start,
                end: file.words.len() as u32,
            },
        });
    }
}

fn owned(defined: Defined<'_>) -> Defined<'static> {
    Defined {
        name: Cow::Owned(defined.name.into_owned()),
        is_static: defined.is_static,
        markers: defined.markers,
        uses: defined
            .uses
            .into_iter()
            .map(|(name, kind)| (Cow::Owned(name.into_owned()), kind))
            .collect(),
    }
}

fn merge(into: &mut Defined<'static>, other: Defined<'static>) {
    into.is_static |= other.is_static;
    into.markers.extend(other.markers);
    for (name, kind) in other.uses {
        match into.uses.iter_mut().find(|(n, _)| *n == name) {
            Some(known) if kind == UseKind::Call => known.1 = UseKind::Call,
            Some(_) => {}
            None => into.uses.push((name, kind)),
        }
    }
}

/// The function definitions at the top level of `tokens`: `HEAD NAME(PARAMS) { BODY }`.
fn definitions<'a>(tokens: &[Tok<'a>], recognizer: Option<&Recognizer>) -> Vec<Defined<'a>> {
    let mut found = Vec::new();
    let mut head_start = 0;
    let mut paren = 0u32;
    let mut index = 0;
    while index < tokens.len() {
        match &tokens[index].piece {
            Piece::Punct(Punct::LParen) => paren += 1,
            Piece::Punct(Punct::RParen) => paren = paren.saturating_sub(1),
            Piece::Punct(Punct::Semi) if paren == 0 => head_start = index + 1,
            Piece::Punct(Punct::RBrace) if paren == 0 => head_start = index + 1,
            Piece::Punct(Punct::LBrace) if paren == 0 => {
                let end = closing_brace(tokens, index);
                let head = &tokens[head_start..index];
                if let Some(name) = defined_name(head) {
                    let (markers, uses) = body_uses(&tokens[index + 1..end], recognizer);
                    found.push(Defined {
                        name,
                        is_static: head.iter().any(|t| t.ident() == Some("static")),
                        markers,
                        uses,
                    });
                    head_start = end + 1;
                }
                // A struct body or an initializer: its head goes on after it.
                index = end;
            }
            _ => {}
        }
        index += 1;
    }
    found
}

/// The index of the `}` that closes the `{` at `open`, or the end.
fn closing_brace(tokens: &[Tok], open: usize) -> usize {
    let mut depth = 0u32;
    for (index, tok) in tokens.iter().enumerate().skip(open) {
        match tok.piece {
            Piece::Punct(Punct::LBrace) => depth += 1,
            Piece::Punct(Punct::RBrace) => {
                depth -= 1;
                if depth == 0 {
                    return index;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// The name a declaration head defines, if it ends with `NAME(PARAMS)`: the last parenthesised
/// group at its top level that follows a name that is not a keyword (`__attribute__((x))` after
/// the parameters is skipped).
fn defined_name<'a>(head: &[Tok<'a>]) -> Option<Cow<'a, str>> {
    if head.last()?.piece != Piece::Punct(Punct::RParen) {
        return None;
    }
    let mut depth = 0u32;
    for index in (0..head.len()).rev() {
        match head[index].piece {
            Piece::Punct(Punct::RParen) => depth += 1,
            Piece::Punct(Punct::LParen) => {
                depth = depth.checked_sub(1)?;
                if depth == 0
                    && index > 0
                    && let Piece::Ident(name) = &head[index - 1].piece
                    && !is_keyword(name)
                {
                    return Some(name.clone());
                }
            }
            _ => {}
        }
    }
    None
}

/// The markers a body invokes and the names it uses, each once (a call if called anywhere):
/// `name(` and `(name)(` are calls, `__attribute__((cleanup(name)))` calls `name` at scope exit,
/// a member after `.` or `->` is not a name, any other name is a reference.
fn body_uses<'a>(
    tokens: &[Tok<'a>],
    recognizer: Option<&Recognizer>,
) -> (ContextSet, Vec<(Cow<'a, str>, UseKind)>) {
    let mut markers = ContextSet::default();
    let mut uses: Vec<(Cow<'a, str>, UseKind)> = Vec::new();
    let mut at: FxHashMap<&str, usize> = FxHashMap::default();
    let punct = |index: usize, punct: Punct| {
        tokens
            .get(index)
            .is_some_and(|t| t.piece == Piece::Punct(punct))
    };
    for (index, tok) in tokens.iter().enumerate() {
        let Piece::Ident(name) = &tok.piece else {
            continue;
        };
        let before = |back: usize| index.checked_sub(back);
        if before(1).is_some_and(|i| punct(i, Punct::Dot) || punct(i, Punct::Arrow))
            || is_keyword(name)
            || matches!(name.as_ref(), "cleanup" | "__cleanup__")
        {
            continue;
        }
        let called = punct(index + 1, Punct::LParen)
            || (before(1).is_some_and(|i| punct(i, Punct::LParen))
                && punct(index + 1, Punct::RParen)
                && (punct(index + 2, Punct::LParen)
                    || before(2)
                        .and_then(|i| tokens[i].ident())
                        .is_some_and(|w| matches!(w, "cleanup" | "__cleanup__"))));
        if called && let Some(context) = recognizer.and_then(|r| r.marker(name.as_bytes())) {
            markers.insert(context);
            continue;
        }
        let kind = if called {
            UseKind::Call
        } else {
            UseKind::Reference
        };
        match at.get(name.as_ref()) {
            Some(&i) => {
                if kind == UseKind::Call {
                    uses[i].1 = UseKind::Call;
                }
            }
            None => {
                at.insert(name, uses.len());
                uses.push((name.clone(), kind));
            }
        }
    }
    (markers, uses)
}
