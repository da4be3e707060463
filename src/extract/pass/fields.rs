//! Callback fields seen by the pass: member calls, functions bound to fields, function-pointer
//! members of struct bodies, and the `Type *name` declarations that give an object its type.

use super::{AccessPath, Block, FilePass, MAX_PATH, Member};
use crate::extract::names::Keyword;
use crate::extract::names::keyword;
use crate::extract::{FieldBinding, FieldDecl, MemberPath, PointerMember, Use, WordRange};
use crate::lexer::Token;
use crate::model::UseKind;
use std::ops::Range;

impl FilePass<'_, '_> {
    /// Notes a member name after `.` or `->`; returns `false` if the identifier is not one.
    pub(super) fn note_member(&mut self, span: &Range<usize>) -> bool {
        if !matches!(self.prev.0, Token::Dot | Token::Arrow) {
            return false;
        }
        let path = self.access_path(span);
        self.member = Some(Member {
            token: self.token_index,
            span: span.clone(),
            designator: matches!(self.prev2.0, Token::LBrace | Token::Comma),
            path,
        });
        true
    }

    /// The access path of the member being read (the current identifier, after `.` or `->`):
    /// from a variable of known type (`bs->open`), or one member further along a path already
    /// known (`bs->drv->open`). Remembers it for the next member.
    pub(super) fn access_path(&mut self, member: &Range<usize>) -> Option<AccessPath> {
        let path = match (self.base_type(), &self.last_access) {
            (Some(struct_type), _) => Some(AccessPath {
                struct_type,
                through: Vec::new(),
            }),
            (None, Some((token, path, previous)))
                if token + 2 == self.token_index && path.through.len() < MAX_PATH =>
            {
                let mut path = path.clone();
                path.through.push(previous.clone());
                Some(path)
            }
            (None, _) => None,
        };
        self.last_access = path
            .clone()
            .map(|path| (self.token_index, path, member.clone()));
        path
    }

    /// Exports the members of an access path to the file's word list.
    fn export_through(&mut self, through: &[Range<usize>]) -> WordRange {
        let start = self.output.words.len() as u32;
        for member in through {
            let word = self.export_name(member.clone());
            self.output.words.push(word);
        }
        WordRange {
            start,
            end: self.output.words.len() as u32,
        }
    }

    /// The type in `Type *name`, when the current identifier is `name`: `*` before it and an
    /// identifier that is not a keyword before that.
    pub(super) fn pointer_type(&self) -> Option<Range<usize>> {
        let (token, span) = &self.last_ident;
        let follows_type = self.prev.0 == Token::Star && *token + 2 == self.token_index;
        (follows_type && keyword(&self.source[span.clone()]).is_none()).then(|| span.clone())
    }

    /// The struct type of `x` in `x->member` or `x.member` (the current identifier being the
    /// member), if `x` is a variable whose declaration in the function shows it.
    pub(super) fn base_type(&self) -> Option<Range<usize>> {
        let (token, span) = &self.last_ident;
        let plain_base =
            *token + 2 == self.token_index && !matches!(self.prev3.0, Token::Dot | Token::Arrow);
        if !plain_base || self.variables.is_empty() {
            return None;
        }
        self.variables.get(&self.source[span.clone()]).cloned()
    }

    /// The member this identifier is bound to, if it ends `member = name` or `member = &name`.
    pub(super) fn bound_member(&self, next: Option<Token>) -> Option<Member> {
        if !matches!(next, Some(Token::Comma | Token::Semi | Token::RBrace)) {
            return None;
        }
        let member = self.member.as_ref()?;
        let distance = match (self.prev.0, self.prev2.0) {
            (Token::Assign, _) => 2,
            (Token::Amp, Token::Assign) => 3,
            _ => return None,
        };
        (member.token + distance == self.token_index).then(|| member.clone())
    }

    /// Records that the name at `target` is bound to `member` of `struct_type`, reached through
    /// the pointer members `through`.
    pub(super) fn bind(
        &mut self,
        member: Member,
        struct_type: Option<Range<usize>>,
        through: &[Range<usize>],
        target: Range<usize>,
    ) {
        let (line, column) = self.lines.position_at(target.start);
        let binding = FieldBinding {
            struct_type: struct_type.map(|t| self.export_name(t)),
            through: self.export_through(through),
            field: self.export_name(member.span),
            target: self.export_name(target),
            line,
            column,
        };
        self.output.field_bindings.push(binding);
    }

    /// Records an assignment `x->member = target;` in a function body.
    pub(super) fn bind_member(&mut self, member: Member, target: Range<usize>) {
        match member.path.clone() {
            Some(path) => self.bind(member, Some(path.struct_type), &path.through, target),
            None => self.bind(member, None, &[], target),
        }
    }

    /// Handles an identifier in a file-scope initializer: designators and what they bind.
    pub(super) fn initializer_identifier(
        &mut self,
        span: Range<usize>,
        next: Option<Token>,
        struct_type: Option<Range<usize>>,
    ) {
        if self.note_member(&span) {
            return;
        }
        if let Some(member) = self.bound_member(next) {
            let struct_type = struct_type.filter(|_| member.designator);
            self.bind(member, struct_type, &[], span);
        }
    }

    /// Handles an identifier in a struct body: attribute words, and the name of a
    /// function-pointer member, `(*name)`.
    pub(super) fn member_declaration(
        &mut self,
        span: Range<usize>,
        next: Option<Token>,
        tag: Option<Range<usize>>,
    ) {
        let word = &self.source[span.clone()];
        if let Some(contexts) = self.recognizer.attribute(word) {
            self.member_attributes.extend(contexts);
        }
        let pointer_name = self.prev.0 == Token::Star
            && self.prev2.0 == Token::LParen
            && next == Some(Token::RParen);
        if pointer_name {
            let (line, column) = self.lines.position_at(span.start);
            let decl = FieldDecl {
                struct_type: tag.clone().map(|t| self.export_name(t)),
                field: self.export_name(span.clone()),
                line,
                column,
                attributes: self.member_attributes,
            };
            self.output.field_decls.push(decl);
        }
        if let Some(tag) = tag
            && matches!(next, Some(Token::Semi | Token::Comma))
            && let Some(pointee) = self.pointer_type()
        {
            let member = PointerMember {
                struct_type: self.export_name(tag),
                member: self.export_name(span),
                pointee: self.export_name(pointee),
            };
            self.output.pointer_members.push(member);
        }
    }

    /// Records a declaration `Type *name` at the start of a statement in a function body.
    pub(super) fn local_declaration(&mut self, name: &Range<usize>) {
        let starts_statement = matches!(
            self.prev3.0,
            Token::Semi | Token::LBrace | Token::RBrace | Token::LParen
        ) || matches!(
            self.prev3.1,
            Some(Keyword::Qualifier | Keyword::Aggregate | Keyword::Static)
        );
        if starts_statement && let Some(struct_type) = self.pointer_type() {
            self.variables
                .insert(&self.source[name.clone()], struct_type);
        }
    }

    /// Records a member call `x->name(...)`, once per function, field name and struct type
    /// (where the declaration of `x` shows the type).
    pub(super) fn member_call(&mut self, span: Range<usize>) {
        let offset = span.start;
        let path = self.access_path(&span);
        let name = self.names.intern(self.source, span, self.recognizer);
        let exported = self.names.export(name, self.source, &mut self.output.names);
        // One use per field and path start (the members between are not told apart).
        let base = path
            .as_ref()
            .map(|path| self.export_name(path.struct_type.clone()));
        if !self
            .member_calls
            .insert((exported, base.unwrap_or(u32::MAX)))
        {
            return;
        }
        let (line, column) = self.lines.position_at(offset);
        if let (Some(base), Some(path)) = (base, path) {
            let use_index = self.output.uses.len() as u32;
            let through = self.export_through(&path.through);
            self.output.member_paths.push(MemberPath {
                use_index,
                base,
                through,
            });
        }
        self.output.uses.push(Use {
            name: exported,
            kind: UseKind::Field,
            line,
            column,
        });
        if let Block::Function(function) = &mut self.block {
            function.uses_end = self.output.uses.len() as u32;
        }
    }
}
