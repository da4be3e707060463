//! The nodes no file defines: generated wrappers, from prototypes, and callback fields, from
//! initializers, assignments and struct bodies.

use super::includes::PathIndex;
use super::names::{DefinitionNames, NO_NODE};
use super::tables::{NameMap, PointerMembers};
use super::{BuildOptions, Function, NodeKind, Origins};
use crate::context::ContextSet;
use crate::extract::{FieldBinding, WordRange, name_hash};
use crate::model::{NodeId, UseKind};
use crate::source::SourceFile;
use rustc_hash::FxHashMap;

/// A generated wrapper node and the name it calls.
pub(super) struct GeneratedWrapper {
    pub(super) node: NodeId,
    pub(super) target: String,
    pub(super) edge: UseKind,
    /// The other names the generated body calls.
    pub(super) calls: Vec<String>,
    /// The files the generated file includes.
    pub(super) includes: Vec<u32>,
}

/// Adds a generated definition for every prototype that asks for one and has no definition
/// (the first such prototype, in file order, gives its location).
pub(super) fn generate_wrappers(
    files: &[SourceFile],
    functions: &mut Vec<Function>,
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
            let words = file.functions.words(prototype.words);
            let wrapper = options.wrappers.iter().find(|w| {
                words
                    .iter()
                    .any(|&word| w.attributes.iter().any(|a| a == table.get(word)))
            });
            let Some(wrapper) = wrapper else { continue };
            let (hash, name) = (table.hash(prototype.name), table.get(prototype.name));
            if names.first(hash, name, functions, files) != NO_NODE {
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
                origins: Origins {
                    definition: wrapper.contexts,
                    ..Origins::default()
                },
                kind: NodeKind::Generated,
            });
            names.add(node, functions, files);
            let includes = wrapper
                .includes
                .iter()
                .filter_map(|path| paths.resolve(path, None, options.include_dirs))
                .collect();
            generated.push(GeneratedWrapper {
                node,
                target,
                edge: wrapper.edge,
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
    /// The types of struct pointer members, which type access paths.
    pub(super) pointers: PointerMembers<'a>,
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

impl<'a> FieldNodes<'a> {
    /// No field nodes: field edges are not built.
    pub(super) fn none() -> (Vec<String>, Self) {
        let nodes = FieldNodes {
            by_field: NameMap::new(),
            bindings: Vec::new(),
            pointers: PointerMembers::build(&[]),
        };
        (Vec::new(), nodes)
    }

    /// Adds a node for every field that has an attribute or is bound to a defined function,
    /// sorted by field name then struct type; returns their names and the table.
    pub(super) fn build(
        files: &'a [SourceFile],
        functions: &mut Vec<Function>,
        names: &DefinitionNames,
    ) -> (Vec<String>, Self) {
        let pointers = PointerMembers::build(files);
        let mut infos: FxHashMap<(&'a str, Option<&'a str>), FieldInfo<'a>> = FxHashMap::default();
        for (file_index, file) in files.iter().enumerate() {
            let extracted = &file.functions;
            let table = &extracted.names;
            let file_index = file_index as u32;
            for decl in &extracted.field_decls {
                let key = (
                    table.get(decl.field),
                    decl.struct_type.map(|t| table.get(t)),
                );
                let info = infos.entry(key).or_default();
                if !info.declared {
                    info.declared = true;
                    info.location = Some((file_index, decl.line, decl.column));
                }
                info.attributes.extend(decl.attributes);
            }
            for binding in &extracted.field_bindings {
                let target = binding.target;
                let defined =
                    names.first(table.hash(target), table.get(target), functions, files) != NO_NODE;
                if !defined {
                    continue;
                }
                // The type the binding's access path ends at; unknown if a step is.
                let struct_type = binding.struct_type.and_then(|base| {
                    let through = extracted.words(binding.through).iter();
                    pointers.follow(table.get(base), through.map(|&w| table.get(w)))
                });
                let key = (table.get(binding.field), struct_type);
                let info = infos.entry(key).or_default();
                info.location
                    .get_or_insert((file_index, binding.line, binding.column));
                info.bindings.push((file_index, binding));
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
                origins: Origins {
                    definition: info.attributes,
                    ..Origins::default()
                },
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

/// The field nodes a member call reaches: with the object's struct type known, the nodes of
/// that type and those of unknown type; without it, every node of the field's name.
pub(super) fn fields_of_type<'f>(
    fields: &'f [(NodeId, Option<&str>)],
    struct_type: Option<&'f str>,
) -> impl Iterator<Item = NodeId> + 'f {
    fields
        .iter()
        .filter(move |&&(_, of)| struct_type.is_none() || of.is_none() || of == struct_type)
        .map(|&(node, _)| node)
}
