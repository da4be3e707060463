//! The nodes no file defines: generated wrappers, from prototypes, and callback fields, from
//! initializers, assignments and struct bodies.

use super::includes::PathIndex;
use super::names::{DefinitionNames, NO_NODE};
use super::tables::{CastMacros, FunctionTypes, NameMap, PointerMembers};
use super::{BuildOptions, Function, NodeKind, Origins, OriginsTable};
use crate::context::{ContextSet, Wrapper};
use crate::extract::{FieldBinding, FileFunctions, Prototype, WordRange, name_hash};
use crate::model::{Guard, NodeId, UseKind};
use crate::source::SourceFile;
use rustc_hash::FxHashMap;

/// A generated wrapper node and the name it calls.
pub(super) struct GeneratedWrapper {
    pub(super) node: NodeId,
    pub(super) target: String,
    pub(super) edge: UseKind,
    /// Where the call of `target` runs relative to the guard's context.
    pub(super) target_guard: Guard,
    /// The other names the generated body calls, with where each runs.
    pub(super) calls: Vec<(String, Guard)>,
    /// The files the generated file includes.
    pub(super) includes: Vec<u32>,
}

/// The wrapper `prototype` (of `functions`) asks for: the first of `wrappers` one of whose
/// attributes is among its head's words.
pub fn wrapper_of<'w>(
    wrappers: &'w [Wrapper],
    functions: &FileFunctions,
    prototype: &Prototype,
) -> Option<&'w Wrapper> {
    let words = functions.words(prototype.words);
    wrappers.iter().find(|wrapper| {
        words.iter().any(|&word| {
            let word = functions.name(word);
            wrapper.attributes.iter().any(|a| a == word)
        })
    })
}

/// Adds a generated definition for every prototype that asks for one and has no definition
/// (the first such prototype, in file order, gives its location).
pub(super) fn generate_wrappers(
    files: &[SourceFile],
    functions: &mut Vec<Function>,
    origins: &mut OriginsTable,
    names: &mut DefinitionNames,
    options: &BuildOptions,
    paths: &PathIndex,
    head_contexts: &impl Fn(&SourceFile, WordRange) -> ContextSet,
) -> Vec<GeneratedWrapper> {
    let mut generated = Vec::new();
    if options.wrappers.is_empty() {
        return generated;
    }
    for (file_index, file) in files.iter().enumerate() {
        let table = &file.functions.names;
        for prototype in &file.functions.prototypes {
            let Some(wrapper) = wrapper_of(options.wrappers, &file.functions, prototype) else {
                continue;
            };
            let (hash, name) = (table.hash(prototype.name), table.get(prototype.name));
            if names.first(hash, name) != NO_NODE {
                continue;
            }
            let Some(target) = wrapper.target_of(name) else {
                continue;
            };
            let mut contexts = wrapper.contexts;
            contexts.extend(prototype.contexts);
            contexts.extend(head_contexts(file, prototype.words));
            let node = functions.len() as NodeId;
            functions.push(Function {
                file: file_index as u32,
                name: prototype.name,
                line: prototype.line,
                column: prototype.column,
                is_static: prototype.is_static,
                contexts,
                origins: origins.add(Origins {
                    definition: wrapper.contexts,
                    ..Origins::default()
                }),
                kind: NodeKind::Generated,
            });
            names.add_new(node, functions, files);
            let includes = wrapper
                .includes
                .iter()
                .filter_map(|path| paths.resolve(path, None, options.include_dirs))
                .collect();
            generated.push(GeneratedWrapper {
                node,
                target,
                edge: wrapper.edge,
                target_guard: wrapper.target_guard,
                calls: wrapper.calls_of(name),
                includes,
            });
        }
    }
    generated
}

/// The callback field nodes, by field name, and the bindings each one has.
pub(super) struct FieldNodes<'a> {
    /// The nodes of each field name, with their struct type (none for `.name`).
    pub(super) by_field: NameMap<'a, Vec<(NodeId, Option<&'a str>)>>,
    /// For each field node (in node order), its bindings with their file.
    pub(super) bindings: Vec<Vec<(u32, &'a FieldBinding)>>,
    /// The types of struct members, which type access paths.
    pub(super) pointers: PointerMembers<'a>,
    /// The cast macros, which type access paths that start at an invocation.
    pub(super) casts: CastMacros<'a>,
}

/// What is known of one field before it becomes a node.
#[derive(Default)]
pub(super) struct FieldInfo<'a> {
    /// File, line and column of its declaration or first binding.
    pub(super) location: Option<(u32, u32, u32)>,
    pub(super) declared: bool,
    pub(super) attributes: ContextSet,
    pub(super) bindings: Vec<(u32, &'a FieldBinding)>,
}

impl FieldInfo<'_> {
    /// Notes a declaration of the field at `location`, with `attributes`.
    fn declare(&mut self, location: (u32, u32, u32), attributes: ContextSet) {
        if !self.declared {
            self.declared = true;
            self.location = Some(location);
        }
        self.attributes.extend(attributes);
    }
}

/// The struct types that declare a callback field of one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DeclaredIn<'a> {
    /// Exactly one struct type.
    One(&'a str),
    /// Several, or a struct body without a name.
    Several,
}

/// A map from (field, struct type) to what is known of that field.
type FieldInfos<'a> = FxHashMap<(&'a str, Option<&'a str>), FieldInfo<'a>>;

impl<'a> FieldNodes<'a> {
    /// No field nodes: field edges are not built.
    pub(super) fn none() -> (Vec<String>, Self) {
        let nodes = FieldNodes {
            by_field: NameMap::new(),
            bindings: Vec::new(),
            pointers: PointerMembers::build(&[]),
            casts: CastMacros::build(&[]),
        };
        (Vec::new(), nodes)
    }

    /// Adds a node for every field that has an attribute or is bound to a defined function,
    /// sorted by field name then struct type; returns their names and the table.
    ///
    /// Callback fields are function-pointer members (`int (*open)(...)`) and members of a
    /// typedef'd function type (`CoroutineEntry *entry`, with the typedef's attributes). A
    /// binding whose struct type is unknown belongs to the one struct type that declares a
    /// callback field of its name, if exactly one does.
    pub(super) fn build(
        files: &'a [SourceFile],
        functions: &mut Vec<Function>,
        origins: &mut OriginsTable,
        names: &DefinitionNames,
    ) -> (Vec<String>, Self) {
        let pointers = PointerMembers::build(files);
        let function_types = FunctionTypes::build(files);
        let mut infos: FieldInfos<'a> = FxHashMap::default();
        let mut declared_in: FxHashMap<&'a str, DeclaredIn<'a>> = FxHashMap::default();
        let mut note_declared = |field: &'a str, struct_type: Option<&'a str>| {
            let declared = match struct_type {
                Some(struct_type) => DeclaredIn::One(struct_type),
                None => DeclaredIn::Several,
            };
            declared_in
                .entry(field)
                .and_modify(|known| {
                    if *known != declared {
                        *known = DeclaredIn::Several;
                    }
                })
                .or_insert(declared);
        };
        for (file_index, file) in files.iter().enumerate() {
            let extracted = &file.functions;
            let table = &extracted.names;
            let file_index = file_index as u32;
            for decl in &extracted.field_decls {
                let (field, struct_type) = (
                    table.get(decl.field),
                    decl.struct_type.map(|t| table.get(t)),
                );
                note_declared(field, struct_type);
                let location = (file_index, decl.line, decl.column);
                let info = infos.entry((field, struct_type)).or_default();
                info.declare(location, decl.attributes);
            }
            for member in &extracted.pointer_members {
                let Some(attributes) = function_types.get(table.get(member.pointee)) else {
                    continue;
                };
                let (field, struct_type) = (
                    table.get(member.member),
                    Some(table.get(member.struct_type)),
                );
                note_declared(field, struct_type);
                let location = (file_index, member.line, member.column);
                let info = infos.entry((field, struct_type)).or_default();
                info.declare(location, attributes);
            }
        }
        for (file_index, file) in files.iter().enumerate() {
            let extracted = &file.functions;
            let table = &extracted.names;
            for binding in &extracted.field_bindings {
                let target = binding.target;
                let defined = names.first(table.hash(target), table.get(target)) != NO_NODE;
                if !defined {
                    continue;
                }
                let field = table.get(binding.field);
                // The type the binding's access path ends at; unknown if a step is, and then
                // the one struct type that declares the field, if only one does.
                let struct_type = binding
                    .struct_type
                    .and_then(|base| {
                        let through = extracted.words(binding.through).iter();
                        pointers.follow(table.get(base), through.map(|&w| table.get(w)))
                    })
                    .or_else(|| match declared_in.get(field) {
                        Some(&DeclaredIn::One(struct_type)) => Some(struct_type),
                        _ => None,
                    });
                let info = infos.entry((field, struct_type)).or_default();
                info.location
                    .get_or_insert((file_index as u32, binding.line, binding.column));
                info.bindings.push((file_index as u32, binding));
            }
        }
        let mut keys: Vec<_> = infos
            .iter()
            .filter(|(_, info)| !info.attributes.is_empty() || !info.bindings.is_empty())
            .map(|(key, _)| *key)
            .collect();
        keys.sort_unstable();
        let mut field_names = Vec::with_capacity(keys.len());
        let mut nodes = FieldNodes {
            by_field: NameMap::new(),
            bindings: Vec::with_capacity(keys.len()),
            pointers,
            casts: CastMacros::build(files),
        };
        for (field, struct_type) in keys {
            let info = infos.remove(&(field, struct_type)).unwrap_or_default();
            let Some((file, line, column)) = info.location else {
                continue;
            };
            let node = functions.len() as NodeId;
            functions.push(Function {
                file,
                name: field_names.len() as u32,
                line,
                column,
                is_static: false,
                contexts: info.attributes,
                origins: origins.add(Origins {
                    definition: info.attributes,
                    ..Origins::default()
                }),
                kind: NodeKind::Field {
                    typed: struct_type.is_some(),
                },
            });
            field_names.push(format!("{}.{field}", struct_type.unwrap_or("")));
            nodes
                .by_field
                .entry(name_hash(field.as_bytes()), field, Vec::new)
                .push((node, struct_type));
            nodes.bindings.push(info.bindings);
        }
        (field_names, nodes)
    }
}

/// The field nodes a member call reaches. With the object's struct type known, the nodes of
/// that type; if that type has none, the nodes of unknown type. Without it, every node of the
/// field's name. The second value says whether the nodes were matched by name alone.
pub(super) fn fields_of_type<'f>(
    fields: &'f [(NodeId, Option<&str>)],
    struct_type: Option<&'f str>,
) -> (impl Iterator<Item = NodeId> + 'f, bool) {
    let typed = struct_type.is_some_and(|t| fields.iter().any(|&(_, of)| of == Some(t)));
    let wanted = match struct_type {
        Some(_) if typed => struct_type,
        _ => None,
    };
    let by_name = !typed;
    let nodes = fields
        .iter()
        .filter(move |&&(_, of)| match (struct_type, wanted) {
            (_, Some(wanted)) => of == Some(wanted),
            (Some(_), None) => of.is_none(),
            (None, _) => true,
        })
        .map(|&(node, _)| node);
    (nodes, by_name)
}
