//! Callback fields seen by the pass: member calls, functions bound to fields, function-pointer
//! members of struct bodies, and the `Type *name` declarations that give an object its type.

use super::declarations::QomDeclaration;
use super::{
    AccessPath, Base, Block, FilePass, MAX_OPEN_INVOCATIONS, MAX_PATH, Member, OpenInvocation,
    Shape, tokens_before,
};
use crate::extract::names::Keyword;
use crate::extract::names::keyword;
use crate::extract::{
    CastMacro, CastSuffix, CastTarget, FieldBinding, FieldDecl, FunctionType, GlobalVariable,
    MemberPath, PathBase, PointerMember, TypeAlias, Use, WordRange,
};
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
        // `.task.func`: a designator that goes on from the one before it.
        let chained = match &self.member {
            Some(before)
                if before.designator
                    && before.token + 2 == self.token_index
                    && self.prev2.0 == Token::Ident =>
            {
                let mut leading = before.leading.clone();
                leading.push(before.span.clone());
                Some(leading)
            }
            _ => None,
        };
        let designator = chained.is_some()
            || matches!(self.prev2.0, Token::LBrace | Token::Comma)
            || self.after_index_designator();
        self.member = Some(Member {
            token: self.token_index,
            span: span.clone(),
            designator,
            leading: chained.unwrap_or_default(),
            path,
        });
        true
    }

    /// The access path of the member being read (the current identifier, after `.` or `->`):
    /// from a variable of known type (`bs->open`), or one member further along a path already
    /// known (`bs->drv->open`). Remembers it for the next member.
    pub(super) fn access_path(&mut self, member: &Range<usize>) -> Option<AccessPath> {
        let path = match (self.base(), &self.last_access) {
            (Some(base), _) => Some(AccessPath {
                base,
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
        let follows_type = self.prev.0 == Token::Star && tokens_before(*token, 2, self.token_index);
        (follows_type && keyword(&self.source[span.clone()]).is_none()).then(|| span.clone())
    }

    /// Where the access path of the current member starts: the declared type of a variable,
    /// or a macro invocation just closed, `BLOCK_JOB_GET_CLASS(job)->member`.
    fn base(&self) -> Option<Base> {
        if let Some(struct_type) = self.base_type() {
            return Some(Base::Type(struct_type));
        }
        match &self.closed_invocation {
            Some((token, name, first_arg)) if token + 2 == self.token_index => {
                return Some(Base::Cast(name.clone(), first_arg.clone()));
            }
            _ => {}
        }
        // An element of an array, `table[i].run(...)`: the array's declared type.
        if let Some((token, Some(array))) = &self.closed_bracket
            && token + 2 == self.token_index
        {
            let text = &self.source[array.clone()];
            return Some(match self.variables.get(text) {
                Some(struct_type) => Base::Type(struct_type.clone()),
                None => Base::Global(array.clone()),
            });
        }
        // A name the function does not declare may be a variable declared at file scope.
        let (token, span) = &self.last_ident;
        let plain_base = tokens_before(*token, 2, self.token_index)
            && !matches!(self.prev3.0, Token::Dot | Token::Arrow)
            && keyword(&self.source[span.clone()]).is_none();
        (plain_base && !self.variables.contains_key(&self.source[span.clone()]))
            .then(|| Base::Global(span.clone()))
    }

    /// Notes a macro-like invocation (an all-capitals name before `(`) in a function body, and
    /// the first argument of the innermost one if the identifier is all of it.
    pub(super) fn note_invocation(&mut self, span: &Range<usize>, next: Option<Token>) {
        if next != Some(Token::LParen) {
            if let Some(open) = self.invocations.last_mut()
                && open.token + 2 == self.token_index
                && open.depth + 1 == self.paren
                && matches!(next, Some(Token::Comma | Token::RParen))
            {
                open.first_arg = Some(span.clone());
            }
            return;
        }
        let word = &self.source[span.clone()];
        let macro_like = word.first().is_some_and(u8::is_ascii_uppercase)
            && word
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_');
        if macro_like && self.invocations.len() < MAX_OPEN_INVOCATIONS {
            self.invocations.push(OpenInvocation {
                depth: self.paren,
                token: self.token_index,
                name: span.clone(),
                first_arg: None,
            });
        }
    }

    /// Closes the macro invocation the `)` just read ends, if any (and those left open inside
    /// it).
    pub(super) fn close_invocation(&mut self) {
        while let Some(open) = self.invocations.last() {
            if open.depth < self.paren {
                break;
            }
            let open = self.invocations.pop().expect("an open invocation");
            if open.depth == self.paren {
                self.closed_invocation = Some((self.token_index, open.name, open.first_arg));
                break;
            }
        }
    }

    /// Records the cast macros a QOM declaration defines, if its arguments are plain names.
    pub(super) fn qom_declaration(&mut self, declaration: QomDeclaration, args: Vec<Range<usize>>) {
        let (instance, class, name) = match (declaration, args.as_slice()) {
            (QomDeclaration::InstanceAndClass, [instance, class, name, ..]) => {
                (Some(instance), Some(class), name)
            }
            (QomDeclaration::Instance, [instance, name, ..]) => (Some(instance), None, name),
            (QomDeclaration::Class, [class, name, ..]) => (None, Some(class), name),
            _ => return,
        };
        let name = self.export_name(name.clone());
        if let Some(instance) = instance {
            let target = CastTarget::Type(self.export_name(instance.clone()));
            self.output.cast_macros.push(CastMacro {
                name,
                suffix: CastSuffix::None,
                target,
            });
        }
        if let Some(class) = class {
            let target = CastTarget::Type(self.export_name(class.clone()));
            for suffix in [CastSuffix::Class, CastSuffix::GetClass] {
                self.output.cast_macros.push(CastMacro {
                    name,
                    suffix,
                    target,
                });
            }
        }
    }

    /// Ends a `typedef`: of a function type (`typedef void coroutine_fn Entry(void *);`, or
    /// `typedef int (*Fn)(void);`), or of a tagless struct body, whose members then belong to
    /// the name it declares.
    pub(super) fn typedef_declaration(&mut self) {
        if let Some((first_decl, Some(name))) = self.head.anonymous.clone() {
            self.name_anonymous_type(first_decl, name);
            return;
        }
        // `(*name)` first: in `typedef int coroutine_fn (*Fn)(void)` the attribute is also
        // followed by `(`. A name followed by `(` declares a function type only if it is the
        // last word (`typedef QTAILQ_HEAD(, Foo) FooList;` declares `FooList`).
        let name = match self.head.pointer_name.clone() {
            Some(name) => self.export_name(name),
            None => {
                let [last, before] = self.head.last_words.clone();
                let Some(last) = last else { return };
                let source = self.source;
                match self.head.function_name() {
                    Some(candidate)
                        if candidate.paren == 0
                            && source[candidate.name_span()] == source[last.clone()] =>
                    {
                        self.export_name(candidate.name_span())
                    }
                    Some(_) => return,
                    None => {
                        if let Some(target) = before
                            && self.source[target.clone()] != self.source[last.clone()]
                        {
                            let alias = TypeAlias {
                                name: self.export_name(last),
                                target: self.export_name(target),
                            };
                            self.output.type_aliases.push(alias);
                        }
                        return;
                    }
                }
            }
        };
        let attributes = self.head.attributes;
        self.output
            .function_types
            .push(FunctionType { name, attributes });
    }

    /// Gives the members of the tagless struct body just read (field declarations from
    /// `first_decl` on) the type `name`: the typedef's name, or the name of the variable it
    /// declares (`static const struct { void (*run)(VMBus *); } state_runner[] = { ... };`),
    /// which stands for that struct type alone, so its fields merge with no other struct's.
    pub(super) fn name_anonymous_type(&mut self, first_decl: usize, name: Range<usize>) {
        let struct_type = self.export_name(name);
        for decl in &mut self.output.field_decls[first_decl..] {
            decl.struct_type.get_or_insert(struct_type);
        }
        for mut member in std::mem::take(&mut self.anonymous_members) {
            member.struct_type = struct_type;
            self.output.pointer_members.push(member);
        }
    }

    /// A variable declared with a tagless struct body, `struct { ... } name` (at its `=` or
    /// `;`): its struct type is named after it ([`Self::name_anonymous_type`]), and its
    /// initializer binds to that type.
    pub(super) fn anonymous_variable(&mut self) {
        let Some((first_decl, Some(name))) = self.head.anonymous.take() else {
            return;
        };
        self.name_anonymous_type(first_decl, name.clone());
        if self.head.has_assign || self.head.initialized_type.is_none() {
            self.head.initialized_type = Some(name.clone());
        }
        self.head.initialized_name = Some(name.clone());
        self.head.last_words = [Some(name.clone()), Some(name)];
    }

    /// Records the variable a file-scope declaration ending now declares, with its type, if the
    /// head shows both: `extern struct T *name;`, `static T name[] = { ... };`. A declaration
    /// of a function (a name followed by `(` before any `=`) declares none.
    pub(super) fn global_variable(&mut self) {
        let head = &self.head;
        let (name, type_name) = if head.has_assign {
            (head.initialized_name.clone(), head.initialized_type.clone())
        } else if head.candidates.is_empty() && head.paren == 0 {
            let [last, before] = head.last_words.clone();
            (last, before)
        } else {
            return;
        };
        let (Some(name), Some(type_name)) = (name, type_name) else {
            return;
        };
        let global = GlobalVariable {
            name: self.export_name(name),
            type_name: self.export_name(type_name),
        };
        self.output.globals.push(global);
    }

    /// The struct type of `x` in `x->member` or `x.member` (the current identifier being the
    /// member), if `x` is a variable whose declaration in the function shows it.
    pub(super) fn base_type(&self) -> Option<Range<usize>> {
        let (token, span) = &self.last_ident;
        let plain_base = tokens_before(*token, 2, self.token_index)
            && !matches!(self.prev3.0, Token::Dot | Token::Arrow);
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
            Some(AccessPath {
                base: Base::Type(struct_type),
                through,
            }) => self.bind(member, Some(struct_type), &through, target),
            _ => {
                // `.name = fn` directly in the initializer of a local of known type.
                let struct_type = match &self.local_initializer {
                    Some((depth, struct_type)) if member.designator && *depth == self.depth => {
                        Some(struct_type.clone())
                    }
                    _ => None,
                };
                let through = match struct_type {
                    Some(_) => member.leading.clone(),
                    None => Vec::new(),
                };
                self.bind(member, struct_type, &through, target)
            }
        }
    }

    /// Notes the `{` of a local's initializer, `Type name = {`, when the type is known, or of
    /// a compound literal, `(Type) {`.
    pub(super) fn note_local_initializer(&mut self) {
        let (token, name) = &self.last_ident;
        if !matches!(self.block, Block::Function(_)) || !tokens_before(*token, 2, self.token_index)
        {
            return;
        }
        let struct_type = match (self.prev.0, self.prev3.0) {
            (Token::Assign, _) => self.variables.get(&self.source[name.clone()]).cloned(),
            (Token::RParen, Token::LParen) => Some(name.clone()),
            _ => None,
        };
        if let Some(struct_type) = struct_type {
            self.local_initializer = Some((self.depth, struct_type));
        }
    }

    /// Handles an identifier in a file-scope initializer: designators and what they bind.
    pub(super) fn initializer_identifier(
        &mut self,
        span: Range<usize>,
        next: Option<Token>,
        struct_type: Option<Range<usize>>,
        through: &[Range<usize>],
    ) {
        if self.note_member(&span) {
            return;
        }
        if let Some(member) = self.bound_member(next) {
            let struct_type = struct_type.filter(|_| member.designator);
            let mut through = through.to_vec();
            through.extend(member.leading.iter().cloned());
            self.bind(member, struct_type, &through, span);
        }
    }

    /// True if the member being read follows an index designator, `[S_IDLE].handler`.
    fn after_index_designator(&self) -> bool {
        matches!(
            self.block,
            Block::Other {
                shape: Shape::Initializer { .. },
                ..
            }
        ) && self
            .closed_bracket
            .as_ref()
            .is_some_and(|(token, _)| token + 2 == self.token_index)
    }

    /// True if the last member read was designated after an index, `[S_IDLE].handler = f`.
    pub(super) fn element_designator(&self) -> bool {
        self.member.as_ref().is_some_and(|member| {
            self.closed_bracket
                .as_ref()
                .is_some_and(|(token, _)| token + 2 == member.token)
        })
    }

    /// Notes the designator a `{` in an initializer follows, `.job_driver = {`.
    pub(super) fn note_designator(&mut self) {
        let Block::Other {
            shape: Shape::Initializer { .. },
            ..
        } = self.block
        else {
            return;
        };
        if let Some(member) = &self.member
            && member.designator
            && member.token + 2 == self.token_index
            && self.prev.0 == Token::Assign
        {
            let mut spans = member.leading.clone();
            spans.push(member.span.clone());
            self.designators.push((self.depth, spans));
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
        if matches!(next, Some(Token::Semi | Token::Comma))
            && let Some(pointee) = self.pointer_type().or_else(|| self.value_type())
        {
            let (line, column) = self.lines.position_at(span.start);
            let tag_known = tag.is_some();
            let member = PointerMember {
                // Set when the typedef's name is read, for a struct without a tag.
                struct_type: match tag {
                    Some(tag) => self.export_name(tag),
                    None => 0,
                },
                member: self.export_name(span),
                pointee: self.export_name(pointee),
                line,
                column,
            };
            if tag_known {
                self.output.pointer_members.push(member);
            } else {
                self.anonymous_members.push(member);
            }
        }
    }

    /// The type in `Type name`, when the current identifier is `name`: an identifier that is not
    /// a keyword right before it.
    /// Scalar types (`uint64_t`, `bool`: see [`is_scalar`]) are left out: most members and
    /// locals held by value have one, and no member is reached through them.
    pub(super) fn value_type(&self) -> Option<Range<usize>> {
        let (token, span) = &self.last_ident;
        let follows_type =
            self.prev.0 == Token::Ident && tokens_before(*token, 1, self.token_index);
        if !follows_type {
            return None;
        }
        let word = &self.source[span.clone()];
        (keyword(word).is_none() && !is_scalar(word)).then(|| span.clone())
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
        let declared = if starts_statement {
            self.pointer_type()
        } else {
            None
        };
        // `Type name` by value: the type starts the statement.
        let by_value = || {
            let starts = matches!(
                self.prev2.0,
                Token::Semi | Token::LBrace | Token::RBrace | Token::LParen
            ) || matches!(self.prev2.1, Some(Keyword::Qualifier | Keyword::Aggregate));
            starts.then(|| self.value_type()).flatten()
        };
        if let Some(struct_type) = declared.or_else(by_value) {
            self.variables
                .insert(&self.source[name.clone()], struct_type);
        }
    }

    /// Records a member call `x->name(...)`, once per function, field name and struct type
    /// (where the declaration of `x` shows the type).
    pub(super) fn member_call(&mut self, span: Range<usize>) {
        let offset = span.start;
        let entry = self.recognizer.deferring_field(&self.source[span.clone()]);
        self.arguments.call(self.paren, self.depth, entry);
        let path = self.access_path(&span);
        let name = self.names.intern(self.source, span, self.recognizer);
        let exported = self.names.export(name, self.source, &mut self.output.names);
        // One use per field and path start (the members between are not told apart).
        let base = path.as_ref().map(|path| match &path.base {
            Base::Type(struct_type) => PathBase::Type(self.export_name(struct_type.clone())),
            Base::Global(name) => PathBase::Global(self.export_name(name.clone())),
            Base::Cast(name, first_arg) => PathBase::Cast {
                name: self.export_name(name.clone()),
                first_arg: first_arg.clone().map(|arg| self.export_name(arg)),
            },
        });
        let guard = self.guards.current();
        let use_index = self.output.uses.len() as u32;
        let key = match base {
            Some(PathBase::Type(name) | PathBase::Global(name) | PathBase::Cast { name, .. }) => {
                (exported, name)
            }
            None => (exported, u32::MAX),
        };
        if let Some(&earlier) = self.member_calls.get(&key) {
            self.output
                .uses
                .update(earlier, |used| used.set_guard(used.guard().merge(guard)));
            return;
        }
        self.member_calls.insert(key, use_index);
        let (line, column) = self.lines.position_at(offset);
        if let (Some(base), Some(path)) = (base, path) {
            let through = self.export_through(&path.through);
            self.output.member_paths.push(MemberPath {
                use_index,
                base,
                through,
            });
        }
        self.output
            .uses
            .push(Use::new(exported, UseKind::Field, line, column, guard));
        if let Block::Function(function) = &mut self.block {
            function.uses_end = self.output.uses.len() as u32;
        }
    }
}

/// Whether `word` names a scalar type by C and GLib convention: `*_t` (`uint64_t`, `size_t`),
/// `bool` and the like. Skipping them keeps extraction fast; a struct type spelled so is not
/// followed when held by value.
fn is_scalar(word: &[u8]) -> bool {
    word.ends_with(b"_t")
        || matches!(
            word,
            b"bool" | b"_Bool" | b"hwaddr" | b"vaddr" | b"gboolean" | b"gint" | b"guint" | b"gsize"
        )
}
