//! Where each suggestion is written in the source: byte insertions, nothing else.
//!
//! An attribute goes after the return type (and any `*`), on the definition and on every
//! prototype: the function's own file for a `static` function, that file and every header read
//! otherwise (only if no other file defines the name, since a header's prototype speaks for
//! every definition of its name). A return type on the line before the name gets the attribute
//! at its end (`static int coroutine_fn` / `foo(...)`), else it goes just before the name
//! (`BlockBackend *coroutine_fn blk_foo(...)`). A marker becomes the body's first statement,
//! on a line of its own indented like the body's first line, with the file's line ending; a
//! body that starts on the line of its `{` gets it right after the `{`.

use super::infer::Suggestion;
use crate::context::{Contexts, Recognition};
use crate::graph::{Graph, NodeKind};
use crate::lexer::{LineCounter, Token};
use crate::model::NodeId;
use crate::scanner::Tokens;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;

/// Text inserted at a byte offset of the original file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Insertion {
    /// Byte offset in the original file.
    pub offset: usize,
    /// The text inserted there.
    pub text: String,
}

/// The insertions into one file, with its original bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    /// The path as the graph has it.
    pub path: String,
    /// The bytes read.
    pub original: Vec<u8>,
    /// The insertions, sorted by offset.
    pub insertions: Vec<Insertion>,
}

impl FileEdit {
    /// The file's bytes with the insertions made.
    pub fn edited(&self) -> Vec<u8> {
        let extra: usize = self.insertions.iter().map(|i| i.text.len()).sum();
        let mut out = Vec::with_capacity(self.original.len() + extra);
        let mut at = 0;
        for insertion in &self.insertions {
            out.extend_from_slice(&self.original[at..insertion.offset]);
            out.extend_from_slice(insertion.text.as_bytes());
            at = insertion.offset;
        }
        out.extend_from_slice(&self.original[at..]);
        out
    }
}

/// What to write for one function in one file.
#[derive(Debug, Default)]
struct Wanted {
    /// Attribute words, for the definition and prototypes.
    attributes: Vec<String>,
    /// Marker names, for the definition at this line only.
    markers: Vec<String>,
    /// Line of the definition's name in this file, if it is defined here.
    line: Option<u32>,
}

/// What to write in one file, per function name and definition line (`None` for its
/// prototypes).
type FileWanted = FxHashMap<(String, Option<u32>), Wanted>;

/// The insertions that write `suggestions` into the files of `graph`, sorted by path; and the
/// files that could not be read, with why.
pub fn plan(
    graph: &Graph,
    contexts: &Contexts,
    suggestions: &[Suggestion],
) -> (Vec<FileEdit>, Vec<String>) {
    let mut definitions: FxHashMap<&str, usize> = FxHashMap::default();
    for node in graph.nodes() {
        let function = graph.function(node);
        if function.kind == NodeKind::Definition && !function.is_static {
            *definitions.entry(graph.name(node)).or_default() += 1;
        }
    }
    // Per file, per (name, definition line): what to write.
    let mut wanted: FxHashMap<u32, FileWanted> = FxHashMap::default();
    let headers: Vec<u32> = (0..graph.file_count() as u32)
        .filter(|&f| graph.path(f).ends_with(".h"))
        .collect();
    for suggestion in suggestions {
        let node: NodeId = suggestion.function;
        let function = graph.function(node);
        let name = graph.name(node).to_string();
        let here = wanted
            .entry(function.file)
            .or_default()
            .entry((name.clone(), Some(function.line)))
            .or_default();
        here.line = Some(function.line);
        match contexts.recognition(suggestion.context) {
            Recognition::Marker(marker) => here.markers.push(marker.clone()),
            Recognition::Attribute(_) => {
                let word = super::render::written(contexts, suggestion);
                here.attributes.push(word.clone());
                let prototypes = wanted
                    .entry(function.file)
                    .or_default()
                    .entry((name.clone(), None))
                    .or_default();
                prototypes.attributes.push(word.clone());
                if !function.is_static && definitions.get(name.as_str()) == Some(&1) {
                    for &header in headers.iter().filter(|&&h| h != function.file) {
                        let elsewhere = wanted
                            .entry(header)
                            .or_default()
                            .entry((name.clone(), None))
                            .or_default();
                        elsewhere.attributes.push(word.clone());
                    }
                }
            }
        }
    }
    let mut files: Vec<(u32, FileWanted)> = wanted.into_iter().collect();
    files.sort_by(|a, b| graph.path(a.0).cmp(graph.path(b.0)));
    let read: Vec<Result<Option<FileEdit>, String>> = files
        .par_iter()
        .map(|(file, wanted)| {
            let path = graph.path(*file);
            let original = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            let insertions = insertions(&original, wanted);
            Ok((!insertions.is_empty()).then(|| FileEdit {
                path: path.to_string(),
                original,
                insertions,
            }))
        })
        .collect();
    let mut edits = Vec::new();
    let mut errors = Vec::new();
    for result in read {
        match result {
            Ok(edit) => edits.extend(edit),
            Err(error) => errors.push(error),
        }
    }
    (edits, errors)
}

/// The insertions into one file's `source` for `wanted`.
fn insertions(source: &[u8], wanted: &FileWanted) -> Vec<Insertion> {
    let names: FxHashSet<&[u8]> = wanted.keys().map(|(name, _)| name.as_bytes()).collect();
    let tokens: Vec<(Token, Range<usize>)> = Tokens::new(source).collect();
    let mut lines = LineCounter::new(source);
    let mut out = Vec::new();
    let mut braces = 0usize;
    let mut parens = 0usize;
    for (i, (token, span)) in tokens.iter().enumerate() {
        match token {
            Token::LBrace => braces += 1,
            Token::RBrace => braces = braces.saturating_sub(1),
            Token::LParen => parens += 1,
            Token::RParen => parens = parens.saturating_sub(1),
            Token::Ident if braces == 0 && parens == 0 && names.contains(&source[span.clone()]) => {
                let Some(Declaration { body }) = declaration(&tokens, i) else {
                    continue;
                };
                let name = String::from_utf8_lossy(&source[span.clone()]).into_owned();
                let line = lines.line_at(span.start);
                let what = match body {
                    Some(_) => wanted.get(&(name, Some(line))),
                    None => wanted.get(&(name, None)),
                };
                let Some(what) = what else { continue };
                for word in &what.attributes {
                    out.push(attribute_at(source, &tokens, i, word));
                }
                if let Some(brace) = body {
                    for marker in &what.markers {
                        out.push(marker_at(source, tokens[brace].1.end, marker));
                    }
                }
            }
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A function declaration at a name token: `body` is the index of its body's `{`, `None` for
/// a prototype.
struct Declaration {
    body: Option<usize>,
}

/// The declaration whose name is token `i`, if it is one: the name follows a type word or `*`
/// and is followed by a parameter list, then (after any attributes) by `;` or a body.
fn declaration(tokens: &[(Token, Range<usize>)], i: usize) -> Option<Declaration> {
    let before = i.checked_sub(1).map(|p| tokens[p].0);
    if !matches!(before, Some(Token::Ident | Token::Star | Token::RParen)) {
        return None;
    }
    if tokens.get(i + 1)?.0 != Token::LParen {
        return None;
    }
    let mut depth = 0usize;
    let mut j = i + 1;
    loop {
        match tokens.get(j)?.0 {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Token::LBrace | Token::RBrace | Token::Semi => return None,
            _ => {}
        }
        j += 1;
    }
    // After the parameters: attributes (words and parenthesised groups), then `;` or `{`.
    let mut depth = 0usize;
    for (k, (token, _)) in tokens.iter().enumerate().skip(j + 1) {
        match token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.checked_sub(1)?,
            Token::Semi if depth == 0 => return Some(Declaration { body: None }),
            Token::LBrace if depth == 0 => return Some(Declaration { body: Some(k) }),
            Token::Ident | Token::Str | Token::Number | Token::Comma if depth > 0 => {}
            Token::Ident => {}
            _ => return None,
        }
    }
    None
}

/// The insertion of attribute `word` for the declaration named by token `name`.
fn attribute_at(
    source: &[u8],
    tokens: &[(Token, Range<usize>)],
    name: usize,
    word: &str,
) -> Insertion {
    let start = tokens[name].1.start;
    let previous_end = tokens[name - 1].1.end;
    let same_line = !source[previous_end..start]
        .iter()
        .any(|&b| b == b'\n' || b == b'\r');
    if same_line {
        Insertion {
            offset: start,
            text: format!("{word} "),
        }
    } else {
        Insertion {
            offset: previous_end,
            text: format!(" {word}"),
        }
    }
}

/// The insertion of `marker();` as the first statement of the body whose `{` ends at `after`.
fn marker_at(source: &[u8], after: usize, marker: &str) -> Insertion {
    let rest_of_line = source[after..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map(|p| after + p);
    let Some(eol) =
        rest_of_line.filter(|&e| source[after..e].iter().all(|b| b.is_ascii_whitespace()))
    else {
        return Insertion {
            offset: after,
            text: format!(" {marker}();"),
        };
    };
    let ending: &str = match (source[eol], source.get(eol + 1)) {
        (b'\r', Some(b'\n')) => "\r\n",
        (b'\r', _) => "\r",
        _ => "\n",
    };
    let next = eol + ending.len();
    Insertion {
        offset: next,
        text: format!("{}{marker}();{ending}", body_indent(source, next)),
    }
}

/// The indentation of the first line of code from `start` on: its leading blanks, or those of
/// the closing `}` plus four spaces for an empty body.
fn body_indent(source: &[u8], start: usize) -> String {
    let mut at = start;
    while at < source.len() {
        let end = source[at..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .map_or(source.len(), |p| at + p);
        let line = &source[at..end];
        let blanks = line
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let indent = String::from_utf8_lossy(&line[..blanks]).into_owned();
        match line.get(blanks) {
            None | Some(b'#') => {}
            Some(b'}') => return indent + "    ",
            Some(_) => return indent,
        }
        at = end + 1;
    }
    "    ".to_string()
}

#[cfg(test)]
mod tests;
