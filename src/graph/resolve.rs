//! Each file's uses, resolved to edges in parallel; then the edges of generated wrappers and of
//! callback fields.

use super::arguments::ArgumentFacts;
use super::includes::{Includes, Scope};
use super::names::{DefinitionNames, NO_NODE, NOT_LOOKED_UP, meanings};
use super::prefetch::prefetch;
use super::synthetic::{FieldNodes, GeneratedWrapper, fields_of_type};
use super::tables::Macros;
use super::{Edge, Function, NodeKind};
use crate::context::ContextSet;
use crate::extract::{PathBase, Use, UseList, name_hash};
use crate::model::{EdgeKinds, NodeId, UseKind};
use crate::source::SourceFile;
use rustc_hash::FxHashMap;

/// The edges of one file's definitions (or of the generated and field nodes).
#[derive(Default)]
pub(super) struct FileEdges {
    /// All of them in node order.
    pub(super) edges: Vec<Edge>,
    /// The end of each node's edges in `edges`.
    pub(super) ends: Vec<u32>,
    /// Calls that resolved to no definition and no macro.
    pub(super) unresolved_calls: usize,
    /// References handed to a `[[deferred]]` call, which make no edge.
    pub(super) deferred_references: usize,
    /// Member calls whose field nodes were matched by field name alone (the object's type
    /// unknown, or without nodes of its own).
    pub(super) by_name_calls: usize,
    /// The field nodes those member calls reach, counted per call.
    pub(super) by_name_targets: usize,
    /// Contexts that nodes get from the markers of macros they invoke.
    pub(super) macro_contexts: Vec<(NodeId, ContextSet)>,
    /// The direct uses under parameter tests, and the constant arguments of calls.
    pub(super) arguments: ArgumentFacts,
}

impl FileEdges {
    /// Appends `part`, the edges of the nodes that follow this one's, with its ends moved past
    /// the edges held so far: files resolved apart join into the graph's edges this way.
    pub(super) fn append(&mut self, part: FileEdges) {
        let base = self.edges.len() as u32;
        self.ends.extend(part.ends.iter().map(|end| base + end));
        self.edges.extend(part.edges);
        self.unresolved_calls += part.unresolved_calls;
        self.deferred_references += part.deferred_references;
        self.by_name_calls += part.by_name_calls;
        self.by_name_targets += part.by_name_targets;
        self.macro_contexts.extend(part.macro_contexts);
        self.arguments.extend(part.arguments);
    }
}

/// Resolves the names one file uses to the definitions they mean.
pub(super) struct Resolver<'r, 'a> {
    pub(super) names: &'r DefinitionNames,
    pub(super) files: &'a [SourceFile],
    pub(super) functions: &'r [Function],
    pub(super) macros: &'r Macros<'a>,
    pub(super) fields: &'r FieldNodes<'a>,
    pub(super) first_node: &'r [NodeId],
    pub(super) kinds: EdgeKinds,
    pub(super) includes: &'r Includes,
}

impl<'a> Resolver<'_, 'a> {
    /// The edges of the functions of `file`, whose uses (taken out of it) are `uses`; `scope`
    /// is scratch space for its visible files.
    /// Edges through fields and to one of several definitions of a name are marked guessed
    /// ([`Edge::guessed`]).
    pub(super) fn resolve(
        &self,
        file_index: u32,
        file: &'a SourceFile,
        uses: &UseList,
        scope: &mut Scope<'_>,
    ) -> FileEdges {
        let extracted = &file.functions;
        let names = &extracted.names;
        // The definitions each of this file's names means, looked up once, when the name is
        // first used: `meant_of[name]` is a range of `meant_all`.
        let mut meant_of: Vec<(u32, u32)> = vec![(NOT_LOOKED_UP, 0); names.len()];
        let mut meant_all: Vec<NodeId> = Vec::new();
        let mut out = FileEdges {
            ends: Vec::with_capacity(extracted.functions.len()),
            ..FileEdges::default()
        };
        let mut through_macros = FxHashMap::default();
        scope.reset(file_index, &[]);
        let mut meant = Vec::new();
        self.look_up_names(extracted, uses, scope, &mut meant_of, &mut meant_all);
        let member_paths = &extracted.member_paths;
        let first_node = self.first_node[file_index as usize];
        let has_arguments =
            !extracted.use_conditions.is_empty() || !extracted.call_constants.is_empty();
        for (index, def) in extracted.functions.iter().enumerate() {
            let node = first_node + index as NodeId;
            through_macros.clear();
            let mut macro_markers = ContextSet::default();
            let first_use = def.uses_start;
            let def_uses = uses.range(def.uses_start, def.uses_end);
            for (use_index, used) in (first_use..).zip(def_uses) {
                let edge = |to: NodeId, kind| {
                    Edge::new(to, kind, file_index, used.line(), used.column).guarded(used.guard())
                };
                if used.kind() == UseKind::Field {
                    if self.kinds.includes(UseKind::Field) {
                        let (hash, name) = (names.hash(used.name), names.get(used.name));
                        // The type the call's access path ends at; unknown if a step is.
                        let struct_type = member_paths
                            .binary_search_by_key(&use_index, |path| path.use_index)
                            .ok()
                            .and_then(|at| {
                                let path = &member_paths[at];
                                let base = match path.base {
                                    PathBase::Type(base) => Some(names.get(base)),
                                    PathBase::Global(base) => {
                                        self.fields.pointers.global(names.get(base))
                                    }
                                    PathBase::Cast { name, first_arg } => {
                                        self.fields.casts.cast_type(
                                            names.get(name),
                                            first_arg.map(|a| names.get(a)),
                                        )
                                    }
                                }?;
                                let through = extracted.words(path.through).iter();
                                let through = through.map(|&w| names.get(w));
                                self.fields.pointers.follow(base, through)
                            });
                        // The edge to the field is known only where the object's type is
                        // and names the one field it reaches; else fields merge by name.
                        // (The field's own edges, to what is bound to it, are always guessed.)
                        if let Some(fields) = self.fields.by_field.get(hash, name) {
                            let (nodes, by_name) = fields_of_type(fields, struct_type);
                            let start = out.edges.len();
                            out.edges.extend(nodes.map(|to| edge(to, UseKind::Field)));
                            let reached = &mut out.edges[start..];
                            if by_name && !reached.is_empty() {
                                out.by_name_calls += 1;
                                out.by_name_targets += reached.len();
                            }
                            let known = struct_type.is_some()
                                && !by_name
                                && reached.len() == 1
                                && self.functions[reached[0].to as usize].kind
                                    == (NodeKind::Field { typed: true });
                            for reached in reached {
                                *reached = reached.with_guessed(!known);
                            }
                        }
                    }
                    continue;
                }
                // A function handed to a call that only registers or schedules it runs
                // elsewhere, later: the caller does not use it.
                if !names_a_definition(used) {
                    out.deferred_references += 1;
                    continue;
                }
                let (start, len) = meant_of[used.name as usize];
                let named = &meant_all[start as usize..(start + len) as usize];
                let resolved = !named.is_empty();
                // A name that means several definitions (no static one visible) merges them:
                // only one is meant at a time, so each edge is a guess.
                let merged = named.len() > 1;
                if self.kinds.includes(used.kind()) {
                    out.edges.extend(
                        named
                            .iter()
                            .map(|&to| edge(to, used.kind()).with_guessed(merged)),
                    );
                    if has_arguments {
                        note_arguments(extracted, use_index, used.kind(), node, named, &mut out);
                    }
                }
                // The macro table is empty unless macro edges are built.
                if used.kind() != UseKind::Call || self.macros.is_empty() {
                    if !resolved && used.kind() == UseKind::Call {
                        out.unresolved_calls += 1;
                    }
                    continue;
                }
                let (hash, name) = (names.hash(used.name), names.get(used.name));
                let sees = &mut |defining: u32| scope.sees(defining);
                let included = &|defining: u32| self.includes.is_included(defining);
                let Some(expansion) = self.macros.expand(hash, name, self.files, sees, included)
                else {
                    if !resolved {
                        out.unresolved_calls += 1;
                    }
                    continue;
                };
                macro_markers.extend(expansion.markers);
                for &(hash, called) in &expansion.calls {
                    let first = self.names.first(hash, called);
                    meanings(self.names, self.functions, first, scope, &mut meant);
                    let merged = meant.len() > 1;
                    for &to in &meant {
                        // One macro edge per function reached; unguarded if any use is.
                        match through_macros.get(&to) {
                            Some(&at) => {
                                let earlier: &mut Edge = &mut out.edges[at];
                                *earlier = earlier.guarded(earlier.guard().merge(used.guard()));
                            }
                            None => {
                                through_macros.insert(to, out.edges.len());
                                out.edges
                                    .push(edge(to, UseKind::Macro).with_guessed(merged));
                            }
                        }
                    }
                }
            }
            if !macro_markers.is_empty() {
                out.macro_contexts.push((node, macro_markers));
            }
            out.ends.push(out.edges.len() as u32);
        }
        out
    }
}

impl Resolver<'_, '_> {
    /// Looks up the definitions each name means that `extracted`'s functions use (`uses`) by
    /// name: `meant_of[name]` becomes a range of `meant_all`. All of them at once, in the order
    /// first used: the lookups in the table of every definition's name and the first steps
    /// along their chains of definitions are then fetched ahead, as one use after the other
    /// could not.
    fn look_up_names(
        &self,
        extracted: &crate::extract::FileFunctions,
        uses: &UseList,
        scope: &mut Scope<'_>,
        meant_of: &mut [(u32, u32)],
        meant_all: &mut Vec<NodeId>,
    ) {
        let names = &extracted.names;
        let mut wanted: Vec<u32> = Vec::new();
        for def in &extracted.functions {
            for used in uses.range(def.uses_start, def.uses_end) {
                let entry = &mut meant_of[used.name as usize];
                if names_a_definition(used) && entry.0 == NOT_LOOKED_UP {
                    *entry = (0, 0);
                    wanted.push(used.name);
                }
            }
        }
        let texts: Vec<&str> = wanted.iter().map(|&name| names.get(name)).collect();
        let hashes: Vec<u64> = texts
            .iter()
            .map(|text| name_hash(text.as_bytes()))
            .collect();
        let mut firsts = Vec::new();
        self.names.first_of_each(&hashes, &texts, &mut firsts);
        let mut meant = Vec::new();
        for (at, (&name, &first)) in wanted.iter().zip(&firsts).enumerate() {
            if let Some(&ahead) = firsts.get(at + LOOKAHEAD)
                && ahead != NO_NODE
            {
                prefetch(&self.functions[ahead as usize]);
            }
            meanings(self.names, self.functions, first, scope, &mut meant);
            meant_of[name as usize] = (meant_all.len() as u32, meant.len() as u32);
            meant_all.extend_from_slice(&meant);
        }
    }
}

/// True if `used` is resolved by the definitions of its name: not a member call (resolved by
/// field), nor a reference handed to a call that defers it (which makes no edge).
fn names_a_definition(used: Use) -> bool {
    used.kind() != UseKind::Field && !(used.deferred() && used.kind() == UseKind::Reference)
}

/// How many names ahead [`Resolver::look_up_names`] fetches the node of a name's first
/// definition.
const LOOKAHEAD: usize = 8;

/// Records what `extracted` says of its use number `use_index` (of `kind`) by `node`, which
/// means the functions `meant`: the parameter test it runs under, and the constants its calls
/// pass.
fn note_arguments(
    extracted: &crate::extract::FileFunctions,
    use_index: u32,
    kind: UseKind,
    node: NodeId,
    meant: &[NodeId],
    out: &mut FileEdges,
) {
    if let Ok(at) = extracted
        .use_conditions
        .binary_search_by_key(&use_index, |&(index, _)| index)
    {
        let condition = extracted.use_conditions[at].1;
        for &to in meant {
            out.arguments.add_condition(node, to, condition);
        }
    }
    if kind != UseKind::Call {
        return;
    }
    let constants = &extracted.call_constants;
    let start = constants.partition_point(|&(index, _, _)| index < use_index);
    let end = start + constants[start..].partition_point(|&(index, _, _)| index == use_index);
    if start == end {
        return;
    }
    let list: Vec<_> = constants[start..end]
        .iter()
        .map(|&(_, position, value)| (position, value))
        .collect();
    for &to in meant {
        out.arguments.add_constants(node, to, &list);
    }
}

impl<'a> Resolver<'_, 'a> {
    /// The edges of each generated wrapper: to the function it wraps, and to what else the
    /// generated body calls, resolved as in the prototype's file with the generated file's
    /// includes added.
    pub(super) fn generated_edges(&self, generated: &[GeneratedWrapper], out: &mut FileEdges) {
        let mut meant = Vec::new();
        let mut scope = Scope::new(self.includes);
        for wrapper in generated {
            let function = &self.functions[wrapper.node as usize];
            scope.reset(function.file, &wrapper.includes);
            let target = (wrapper.target.as_str(), wrapper.edge, wrapper.target_guard);
            let targets = std::iter::once(target).chain(
                wrapper
                    .calls
                    .iter()
                    .map(|(call, guard)| (call.as_str(), UseKind::Generated, *guard)),
            );
            for (target, kind, guard) in targets {
                if !self.kinds.includes(kind) {
                    continue;
                }
                let hash = name_hash(target.as_bytes());
                let first = self.names.first(hash, target);
                meanings(self.names, self.functions, first, &mut scope, &mut meant);
                let merged = meant.len() > 1;
                out.edges
                    .extend(meant.iter().filter(|&&to| to != wrapper.node).map(|&to| {
                        Edge::new(to, kind, function.file, function.line, function.column)
                            .with_guessed(merged)
                            .guarded(guard)
                    }));
            }
            out.ends.push(out.edges.len() as u32);
        }
    }

    /// The edges of each field node to the functions bound to it.
    pub(super) fn field_edges(&self, fields: &FieldNodes, out: &mut FileEdges) {
        let mut scope = Scope::new(self.includes);
        let mut meant = Vec::new();
        for bindings in &fields.bindings {
            if self.kinds.includes(UseKind::Field) {
                for &(file, binding) in bindings {
                    let table = &self.files[file as usize].functions.names;
                    let (hash, name) = (table.hash(binding.target), table.get(binding.target));
                    let first = self.names.first(hash, name);
                    if scope.file() != file {
                        scope.reset(file, &[]);
                    }
                    meanings(self.names, self.functions, first, &mut scope, &mut meant);
                    // The binding is read, but the step from a field to what is bound to it
                    // stands for every object that field may belong to: a guess.
                    out.edges.extend(meant.iter().map(|&to| {
                        Edge::new(to, UseKind::Field, file, binding.line, binding.column)
                            .with_guessed(true)
                    }));
                }
            }
            out.ends.push(out.edges.len() as u32);
        }
    }
}
