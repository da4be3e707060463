//! A small preprocessor over the macro templates of every file read: it expands invocations of
//! function-like macros as `cpp` does (arguments substituted, expanded first unless next to
//! `##`, `a ## b` pasted, the result rescanned together with what follows it), so that names
//! made by pasting and functions defined by macros can be seen.
//!
//! A macro means the definitions of its name that the expanding file sees (its own, and those
//! of the files it includes, as for `static` functions), or every definition in the tree if it
//! sees none (its header was not read, or the file relies on its includer's includes): an
//! invocation of a name defined twice (under different `#ifdef`s) expands to both bodies, one
//! after the other. Object-like macros are not expanded. A macro is not expanded inside its own
//! expansion; expansions nest at most [`MAX_DEPTH`] deep, arguments are expanded at most
//! [`MAX_LEVEL`] levels deep, and one expansion that reads or makes more than [`MAX_WORK`]
//! tokens is given up, so that no input can exhaust the stack or the memory.

use super::includes::{Includes, Scope, meant_definitions};
use super::tables::NameMap;
use crate::extract::{FileFunctions, MacroTemplate, Punct, TokenKind, name_hash};
use crate::source::SourceFile;
use rustc_hash::FxHashSet;
use std::borrow::Cow;
use std::ops::Range;

/// How many macro expansions may nest, each inside the expansion of the one before.
pub(super) const MAX_DEPTH: u32 = 32;
/// How many levels of arguments are expanded before they are substituted (an argument holding
/// an invocation whose argument holds one, ...); deeper ones are substituted as written.
pub(super) const MAX_LEVEL: u32 = 16;
/// How many tokens one expansion may read and make in all.
pub(super) const MAX_WORK: usize = 1 << 14;

/// What a token of an expansion is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Piece<'a> {
    /// An identifier.
    Ident(Cow<'a, str>),
    /// A number.
    Number(Cow<'a, str>),
    /// Punctuation or a literal.
    Punct(Punct),
    /// What a parameter stands for when its argument is not known.
    Unknown,
}

/// A token of an expansion, with the macros it may not expand again (its hide set, an index
/// into [`Expander::hides`]).
#[derive(Debug, Clone)]
pub(super) struct Tok<'a> {
    pub(super) piece: Piece<'a>,
    hide: u32,
}

impl<'a> Tok<'a> {
    /// A token that hides no macro.
    pub(super) fn new(piece: Piece<'a>) -> Self {
        Tok { piece, hide: 0 }
    }

    /// The identifier it is, if it is one.
    pub(super) fn ident(&self) -> Option<&str> {
        match &self.piece {
            Piece::Ident(name) => Some(name),
            _ => None,
        }
    }

    fn is(&self, punct: Punct) -> bool {
        self.piece == Piece::Punct(punct)
    }
}

/// The templates of every file, by macro name.
pub(super) struct Templates<'a> {
    files: &'a [SourceFile],
    by_name: NameMap<'a, u32>,
    entries: Vec<Entry<'a>>,
}

/// The definitions of one macro name.
struct Entry<'a> {
    name: &'a str,
    /// (file, template) pairs, copies of one definition left out.
    definitions: Vec<(u32, u32)>,
    /// Its expansion may hold a function definition: a body (its own, or that of a macro it
    /// names) shows `) {`.
    may_define: bool,
    /// The definitions whose own expansion may hold a function definition.
    defining: Vec<(u32, u32)>,
    /// Its expansion may make a name: a body (its own, or that of a macro it names) pastes
    /// tokens or names the `cleanup` attribute.
    makes_names: bool,
}

impl<'a> Templates<'a> {
    /// The templates of `files`.
    pub(super) fn build(files: &'a [SourceFile]) -> Self {
        let mut by_name: NameMap<'a, u32> = NameMap::new();
        let mut entries: Vec<Entry<'a>> = Vec::new();
        for (file_index, file) in files.iter().enumerate() {
            let extracted = &file.functions;
            for (index, template) in extracted.templates.iter().enumerate() {
                let name = extracted.names.get(template.name);
                let hash = extracted.names.hash(template.name);
                let at = *by_name.entry(hash, name, || {
                    entries.push(Entry {
                        name,
                        definitions: Vec::new(),
                        may_define: false,
                        defining: Vec::new(),
                        makes_names: false,
                    });
                    entries.len() as u32 - 1
                });
                entries[at as usize]
                    .definitions
                    .push((file_index as u32, index as u32));
            }
        }
        // Copies of one definition (a helper macro every project defines alike) are one.
        let mut keys = FxHashSet::default();
        for entry in &mut entries {
            if entry.definitions.len() > 1 {
                keys.clear();
                entry.definitions.retain(|&(file, index)| {
                    let file = &files[file as usize].functions;
                    keys.insert(template_key(file, &file.templates[index as usize]))
                });
            }
        }
        let mut templates = Templates {
            files,
            by_name,
            entries,
        };
        templates.mark_reach();
        templates
    }

    /// Sets [`Entry::may_define`] and [`Entry::makes_names`]: from each body's own tokens,
    /// then from every macro it names, transitively.
    fn mark_reach(&mut self) {
        // named_by[m]: the entries whose bodies name macro m.
        let mut named_by: Vec<Vec<u32>> = vec![Vec::new(); self.entries.len()];
        let mut own: Vec<OwnBody> = Vec::new();
        for at in 0..self.entries.len() {
            let mut may_define = false;
            let mut makes_names = false;
            for &definition in &self.entries[at].definitions {
                let mut defines = false;
                let mut names = Vec::new();
                let (file, template) = self.template(definition);
                let extracted = &file.functions;
                let mut prev = None;
                for token in extracted.macro_tokens(template.body) {
                    let kind = token.kind();
                    match kind {
                        TokenKind::Name(name) => {
                            let text = extracted.names.get(name);
                            makes_names |= matches!(text, "cleanup" | "__cleanup__");
                            if let Some(&named) = self.by_name.get(name_hash(text.as_bytes()), text)
                            {
                                named_by[named as usize].push(at as u32);
                                names.push(named);
                            }
                        }
                        TokenKind::Punct(Punct::Paste) => makes_names = true,
                        TokenKind::Punct(Punct::LBrace) => {
                            defines |= prev == Some(TokenKind::Punct(Punct::RParen));
                        }
                        _ => {}
                    }
                    prev = Some(kind);
                }
                may_define |= defines;
                own.push(OwnBody {
                    entry: at as u32,
                    definition,
                    defines,
                    names,
                });
            }
            let entry = &mut self.entries[at];
            entry.may_define = may_define;
            entry.makes_names = makes_names;
        }
        let mut may_define: Vec<bool> = self.entries.iter().map(|e| e.may_define).collect();
        let mut makes_names: Vec<bool> = self.entries.iter().map(|e| e.makes_names).collect();
        spread(&named_by, &mut may_define);
        spread(&named_by, &mut makes_names);
        for (at, entry) in self.entries.iter_mut().enumerate() {
            entry.may_define = may_define[at];
            entry.makes_names = makes_names[at];
        }
        for body in own {
            if body.defines || body.names.iter().any(|&n| may_define[n as usize]) {
                self.entries[body.entry as usize]
                    .defining
                    .push(body.definition);
            }
        }
    }

    /// True if no file defines a template.
    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn entry(&self, name: &str) -> Option<&Entry<'a>> {
        let at = *self.by_name.get(name_hash(name.as_bytes()), name)?;
        Some(&self.entries[at as usize])
    }

    /// True if an invocation of `name` may define a function.
    pub(super) fn may_define(&self, name: &str) -> bool {
        self.entry(name).is_some_and(|e| e.may_define)
    }

    /// True if the expansion of `name` may make a name its body does not show.
    pub(super) fn makes_names(&self, name: &str) -> bool {
        self.entry(name).is_some_and(|e| e.makes_names)
    }

    /// The name as stored and the (file, template) pairs of the macro `name`, if it is one.
    fn get(&self, name: &str) -> Option<(&'a str, &[(u32, u32)])> {
        let entry = self.entry(name)?;
        Some((entry.name, &entry.definitions))
    }

    fn template(&self, (file, index): (u32, u32)) -> (&'a SourceFile, &'a MacroTemplate) {
        let file = &self.files[file as usize];
        (file, &file.functions.templates[index as usize])
    }
}

/// What one definition's own body shows.
struct OwnBody {
    entry: u32,
    definition: (u32, u32),
    /// It shows `) {`.
    defines: bool,
    /// The entries it names.
    names: Vec<u32>,
}

/// Sets the flag of every entry that names (`named_by`) one whose flag is set, transitively.
fn spread(named_by: &[Vec<u32>], flags: &mut [bool]) {
    let mut stack: Vec<u32> = (0..flags.len() as u32)
        .filter(|&at| flags[at as usize])
        .collect();
    while let Some(at) = stack.pop() {
        for &user in &named_by[at as usize] {
            if !flags[user as usize] {
                flags[user as usize] = true;
                stack.push(user);
            }
        }
    }
}

/// The text of a template, to tell copies of one definition apart from other definitions.
fn template_key(file: &FileFunctions, template: &MacroTemplate) -> String {
    let mut key = format!(
        "{}{} ",
        template.params,
        if template.variadic { "..." } else { "" }
    );
    for token in file.macro_tokens(template.body) {
        match token.kind() {
            TokenKind::Name(name) | TokenKind::Number(name) => key.push_str(file.names.get(name)),
            TokenKind::Param(position) => key.push_str(&format!("${position}")),
            TokenKind::Punct(punct) => key.push_str(&format!("{punct:?}")),
        }
        key.push(' ');
    }
    key
}

/// One hide set: a macro name and the hide set it extends.
struct Hide<'a> {
    name: &'a str,
    parent: u32,
    depth: u32,
}

/// Expands invocations against [`Templates`]; reusable, one per thread.
pub(super) struct Expander<'t, 'a> {
    templates: &'t Templates<'a>,
    /// The files the expanding file sees.
    scope: Scope<'t>,
    includes: &'t Includes,
    /// Hide sets as a tree: entry 0 is the empty set.
    hides: Vec<Hide<'a>>,
    work: usize,
}

impl<'t, 'a> Expander<'t, 'a> {
    /// An expander of `templates`, whose files include one another as `includes` says.
    pub(super) fn new(templates: &'t Templates<'a>, includes: &'t Includes) -> Self {
        Expander {
            templates,
            scope: Scope::new(includes),
            includes,
            hides: Vec::new(),
            work: 0,
        }
    }

    /// The templates it expands.
    pub(super) fn templates(&self) -> &'t Templates<'a> {
        self.templates
    }

    fn reset(&mut self, file: u32) {
        if self.scope.file() != file {
            self.scope.reset(file, &[]);
        }
        self.hides.clear();
        self.hides.push(Hide {
            name: "",
            parent: 0,
            depth: 0,
        });
        self.work = 0;
    }

    /// `name(args)` fully expanded in file `file`, or `None` if `name` is no macro or the
    /// expansion is given up.
    pub(super) fn invocation(
        &mut self,
        file: u32,
        name: &str,
        args: Vec<Tok<'a>>,
    ) -> Option<Vec<Tok<'a>>> {
        let templates = self.templates;
        let entry = templates.entry(name)?;
        self.reset(file);
        // Only the definitions that may define a function matter here.
        let mut input = Vec::with_capacity(args.len() + 2);
        input.push(Tok::new(Piece::Punct(Punct::LParen)));
        input.extend(args);
        input.push(Tok::new(Piece::Punct(Punct::RParen)));
        input.reverse();
        let (args, _) = take_arguments(&mut input)?;
        let hide = self.push_hide(entry.name, 0);
        let mut replacement = Vec::new();
        for &definition in self.visible(&entry.defining).iter() {
            let (file, template) = templates.template(definition);
            if let Some(args) = fit_arguments(template, &args) {
                self.substitute(file, template, &args, hide, 0, &mut replacement);
            }
        }
        let out = self.expand(replacement, 0);
        (self.work <= MAX_WORK).then_some(out)
    }

    /// Those of `definitions` the file sees; if it sees none, those in files that something
    /// includes (headers, not programs that define a macro for themselves), else all. So the
    /// one definition of most macros is always meant, and is answered without a look.
    fn visible<'d>(&mut self, definitions: &'d [(u32, u32)]) -> Cow<'d, [(u32, u32)]> {
        if definitions.len() == 1 {
            return Cow::Borrowed(definitions);
        }
        let files: Vec<u32> = definitions.iter().map(|&(file, _)| file).collect();
        let (scope, includes) = (&mut self.scope, self.includes);
        let meant = meant_definitions(&files, &mut |file| scope.sees(file), &|file| {
            includes.is_included(file)
        });
        let meant = definitions.iter().zip(meant);
        Cow::Owned(meant.filter_map(|(&d, meant)| meant.then_some(d)).collect())
    }

    /// The body of one definition of a macro in file `file_index`, expanded with its arguments
    /// unknown; `None` if the expansion is given up.
    pub(super) fn body(
        &mut self,
        file_index: u32,
        file: &'a SourceFile,
        template: &'a MacroTemplate,
    ) -> Option<Vec<Tok<'a>>> {
        self.reset(file_index);
        let name = file.functions.names.get(template.name);
        let hide = self.push_hide(name, 0);
        let params = template.params as usize;
        let args = Arguments {
            toks: vec![Tok::new(Piece::Unknown); params],
            ranges: (0..params).map(|at| at..at + 1).collect(),
        };
        let mut replacement = Vec::new();
        self.substitute(file, template, &args.all(), hide, 0, &mut replacement);
        let out = self.expand(replacement, 0);
        (self.work <= MAX_WORK).then_some(out)
    }

    fn charge(&mut self, tokens: usize) -> bool {
        self.work += tokens;
        self.work <= MAX_WORK
    }

    fn push_hide(&mut self, name: &'a str, parent: u32) -> u32 {
        let depth = self.hides[parent as usize].depth + 1;
        self.hides.push(Hide {
            name,
            parent,
            depth,
        });
        self.hides.len() as u32 - 1
    }

    fn hidden(&self, mut hide: u32, name: &str) -> bool {
        while hide != 0 {
            let entry = &self.hides[hide as usize];
            if entry.name == name {
                return true;
            }
            hide = entry.parent;
        }
        false
    }

    /// True if `tokens` invoke a macro: only then does expanding them change them.
    fn invokes(&self, tokens: &[Tok<'a>]) -> bool {
        tokens.windows(2).any(|pair| {
            pair[1].is(Punct::LParen)
                && pair[0]
                    .ident()
                    .is_some_and(|name| self.templates.entry(name).is_some())
        })
    }

    /// `input` with every macro invocation replaced by its expansion, rescanned.
    fn expand(&mut self, input: Vec<Tok<'a>>, level: u32) -> Vec<Tok<'a>> {
        let mut pending = input;
        pending.reverse();
        // At least what is pending comes out: grown from nothing, the list was copied a dozen
        // times over in every expansion.
        let mut out = Vec::with_capacity(pending.len());
        while let Some(tok) = pending.pop() {
            if !self.charge(1) {
                break;
            }
            if let Some(name) = tok.ident()
                && pending.last().is_some_and(|t| t.is(Punct::LParen))
                && let Some((stored, definitions)) = self.templates.get(name)
                && self.hides[tok.hide as usize].depth < MAX_DEPTH
                && !self.hidden(tok.hide, name)
                && let Some((args, close_hide)) = take_arguments(&mut pending)
            {
                let hide = self.push_hide(stored, close_hide);
                let mut replacement = Vec::new();
                let mut applied = false;
                for &definition in self.visible(definitions).iter() {
                    let (file, template) = self.templates.template(definition);
                    if let Some(args) = fit_arguments(template, &args) {
                        self.substitute(file, template, &args, hide, level, &mut replacement);
                        applied = true;
                    }
                }
                if applied {
                    if !self.charge(replacement.len()) {
                        break;
                    }
                    pending.extend(replacement.into_iter().rev());
                    continue;
                }
                // No definition takes that many arguments: not an invocation after all.
                pending.push(Tok::new(Piece::Punct(Punct::RParen)));
                for index in (0..args.len()).rev() {
                    pending.extend(args.get(index).iter().rev().cloned());
                    if index > 0 {
                        pending.push(Tok::new(Piece::Punct(Punct::Comma)));
                    }
                }
                pending.push(Tok::new(Piece::Punct(Punct::LParen)));
            }
            out.push(tok);
        }
        out
    }

    /// Appends the body of `template` with `args` substituted, its tokens hiding `hide`.
    fn substitute(
        &mut self,
        file: &'a SourceFile,
        template: &'a MacroTemplate,
        args: &Fitted<'_, 'a>,
        hide: u32,
        level: u32,
        out: &mut Vec<Tok<'a>>,
    ) {
        let extracted = &file.functions;
        let body = extracted.macro_tokens(template.body);
        // Each argument expanded, once it is needed: `Some(None)` if expanding leaves it as is.
        let mut expanded: Vec<Option<Option<Vec<Tok<'a>>>>> = Vec::new();
        let start = out.len();
        let mut paste = Paste::default();
        let mut index = 0;
        while index < body.len() {
            let kind = body[index].kind();
            index += 1;
            let next_is_paste = body
                .get(index)
                .is_some_and(|t| t.kind() == TokenKind::Punct(Punct::Paste));
            let single = match kind {
                TokenKind::Punct(Punct::Paste) => {
                    paste.pending = !paste.last_empty && out.len() > start;
                    continue;
                }
                TokenKind::Punct(Punct::Stringize)
                    if body
                        .get(index)
                        .is_some_and(|t| matches!(t.kind(), TokenKind::Param(_))) =>
                {
                    index += 1;
                    Piece::Punct(Punct::Other)
                }
                TokenKind::Param(position) => {
                    let position = position as usize;
                    let Some(arg) = args.get(position) else {
                        continue;
                    };
                    let raw = paste.pending || next_is_paste || level >= MAX_LEVEL;
                    if expanded.len() <= position {
                        expanded.resize(position + 1, None);
                    }
                    if !raw && expanded[position].is_none() {
                        expanded[position] = Some(if self.invokes(arg) {
                            Some(self.expand(arg.to_vec(), level + 1))
                        } else {
                            None
                        });
                    }
                    let piece: &[Tok<'a>] = match &expanded[position] {
                        Some(Some(expansion)) if !raw => expansion,
                        _ => arg,
                    };
                    if !self.charge(piece.len()) {
                        return;
                    }
                    paste.append(out, piece);
                    continue;
                }
                TokenKind::Name(name) => Piece::Ident(Cow::Borrowed(extracted.names.get(name))),
                TokenKind::Number(name) => Piece::Number(Cow::Borrowed(extracted.names.get(name))),
                TokenKind::Punct(punct) => Piece::Punct(punct),
            };
            if !self.charge(1) {
                return;
            }
            paste.append_one(out, Tok::new(single));
        }
        for tok in &mut out[start..] {
            tok.hide = hide;
        }
    }
}

/// The state of `##` in a body being substituted.
#[derive(Default)]
struct Paste {
    /// A `##` was just read, and the piece before it was not empty.
    pending: bool,
    /// The last piece appended was an empty argument.
    last_empty: bool,
}

impl Paste {
    /// Appends `piece`, pasting its first token to the last one of `out` after a `##`. It
    /// takes a slice, copied in one go: through a peekable iterator each token went through
    /// the stack, 13% of the expander's instructions on QEMU 10.0.
    fn append<'a>(&mut self, out: &mut Vec<Tok<'a>>, piece: &[Tok<'a>]) {
        match piece.split_first() {
            Some((first, rest)) => {
                self.append_one(out, first.clone());
                out.extend_from_slice(rest);
            }
            // An empty argument: the `##` before it pastes nothing.
            None => {
                self.last_empty = true;
                self.pending = false;
            }
        }
    }

    /// Appends one token, pasting it to the last one of `out` after a `##`.
    fn append_one<'a>(&mut self, out: &mut Vec<Tok<'a>>, tok: Tok<'a>) {
        self.last_empty = false;
        if std::mem::take(&mut self.pending) {
            if let Some(left) = out.pop() {
                out.push(Tok::new(pasted(&left.piece, &tok.piece)));
            }
            return;
        }
        out.push(tok);
    }
}

/// The arguments of an invocation: its tokens from `(` to `)`, end to end, and where each
/// argument lies among them (between the top-level commas). One list, where a list per
/// argument was the expander's most frequent allocation.
struct Arguments<'a> {
    toks: Vec<Tok<'a>>,
    ranges: Vec<Range<usize>>,
}

impl<'a> Arguments<'a> {
    /// The number of arguments.
    fn len(&self) -> usize {
        self.ranges.len()
    }

    /// The tokens of argument `index`.
    fn get(&self, index: usize) -> &[Tok<'a>] {
        &self.toks[self.ranges[index].clone()]
    }

    /// Every argument, as a macro of as many parameters takes them.
    fn all(&self) -> Fitted<'_, 'a> {
        Fitted {
            toks: &self.toks,
            ranges: Cow::Borrowed(&self.ranges),
        }
    }
}

/// The arguments a macro's parameters take: ranges of an invocation's tokens.
struct Fitted<'s, 'a> {
    toks: &'s [Tok<'a>],
    ranges: Cow<'s, [Range<usize>]>,
}

impl<'s, 'a> Fitted<'s, 'a> {
    /// The tokens parameter `position` takes, if there is such a parameter.
    fn get(&self, position: usize) -> Option<&'s [Tok<'a>]> {
        let range = self.ranges.get(position)?;
        Some(&self.toks[range.clone()])
    }
}

/// Takes `( args )` off the top of `pending` (next token last), split at the top-level commas,
/// with the hide set of the `)`; `None`, with `pending` as it was, if the parenthesis never
/// closes.
fn take_arguments<'a>(pending: &mut Vec<Tok<'a>>) -> Option<(Arguments<'a>, u32)> {
    let mut depth = 0u32;
    let mut close = None;
    for (at, tok) in pending.iter().enumerate().rev() {
        match tok.piece {
            Piece::Punct(Punct::LParen) => depth += 1,
            Piece::Punct(Punct::RParen) => {
                depth -= 1;
                if depth == 0 {
                    close = Some(at);
                    break;
                }
            }
            _ => {}
        }
    }
    let mut toks = pending.split_off(close?);
    let close_hide = toks[0].hide;
    // `)` ... `(` in reverse: in order, and the arguments between the two.
    toks.reverse();
    let mut ranges = Vec::new();
    let (mut start, mut end) = (1, toks.len());
    depth = 0;
    for (at, tok) in toks.iter().enumerate().skip(1) {
        match tok.piece {
            Piece::Punct(Punct::LParen) => depth += 1,
            Piece::Punct(Punct::RParen) if depth == 0 => {
                end = at;
                break;
            }
            Piece::Punct(Punct::RParen) => depth -= 1,
            Piece::Punct(Punct::Comma) if depth == 0 => {
                ranges.push(start..at);
                start = at + 1;
            }
            _ => {}
        }
    }
    ranges.push(start..end);
    Some((Arguments { toks, ranges }, close_hide))
}

/// The arguments `template` takes from `args`: as many as it has parameters (the last takes the
/// rest, commas included, if it is variadic); `None` if the count does not fit.
fn fit_arguments<'s, 'a>(
    template: &MacroTemplate,
    args: &'s Arguments<'a>,
) -> Option<Fitted<'s, 'a>> {
    let params = template.params as usize;
    let fitted = |ranges| Fitted {
        toks: &args.toks,
        ranges,
    };
    // `F()` passes one empty argument, which a macro of no parameters takes as none.
    if params == 0 {
        let empty = args.len() == 1 && args.ranges[0].is_empty();
        return empty.then(|| fitted(Cow::Borrowed(&[])));
    }
    if args.len() == params {
        return Some(args.all());
    }
    if !template.variadic || args.len() + 1 < params {
        return None;
    }
    // The rest: from the first variadic argument to the last, the commas between included.
    let mut ranges = args.ranges[..params - 1].to_vec();
    ranges.push(match (args.ranges.get(params - 1), args.ranges.last()) {
        (Some(first), Some(last)) => first.start..last.end,
        _ => 0..0,
    });
    Some(fitted(Cow::Owned(ranges)))
}

/// The token `left ## right` makes.
fn pasted<'a>(left: &Piece<'a>, right: &Piece<'a>) -> Piece<'a> {
    fn text<'p>(piece: &'p Piece<'_>) -> Option<&'p str> {
        match piece {
            Piece::Ident(text) | Piece::Number(text) => Some(text),
            _ => None,
        }
    }
    if *left == Piece::Unknown || *right == Piece::Unknown {
        return Piece::Unknown;
    }
    let (Some(left), Some(right)) = (text(left), text(right)) else {
        return Piece::Punct(Punct::Other);
    };
    let mut joined = String::with_capacity(left.len() + right.len());
    joined.push_str(left);
    joined.push_str(right);
    let first = joined.as_bytes()[0];
    if first.is_ascii_digit() {
        Piece::Number(Cow::Owned(joined))
    } else if joined
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
    {
        Piece::Ident(Cow::Owned(joined))
    } else {
        Piece::Punct(Punct::Other)
    }
}
