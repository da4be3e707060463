//! The library's module structure: the stages import each other in one direction only.
//!
//! Every `crate::NAME` path in a file of `src/` (its `use` lines and inline paths; comments and
//! tests left out) is an import of the top-level module NAME by the file's own top-level
//! module. The modules and those imports must form no cycle, and `model`, the vocabulary every
//! stage shares, imports nothing of the crate.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Top-level module -> the top-level modules it imports.
type Imports = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The code of `file` without its comments (doc links are not imports) and unit tests (a
/// `tests.rs` file, or an inline `mod tests`).
fn code_of(file: &Path) -> String {
    if file.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = fs::read_to_string(file).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => &text,
    };
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level module names that `code` refers to with `crate::NAME`.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.insert(name);
        }
    }
    found
}

/// The library's import graph between top-level modules (the binaries are left out: they sit
/// above the library).
fn imports() -> Imports {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut imports = Imports::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let first = first.to_str().unwrap();
        if first == "main.rs" || first == "cli.rs" || first == "bin" || first == "lib.rs" {
            continue;
        }
        let module = first.trim_end_matches(".rs").to_string();
        let used = crate_paths(&code_of(&file));
        let entry = imports.entry(module.clone()).or_default();
        entry.extend(used.into_iter().filter(|name| *name != module));
    }
    imports
}

/// A cycle in `imports`, as the modules along it, if there is one.
fn find_cycle(imports: &Imports) -> Option<Vec<String>> {
    // Iterative depth-first search with colours: 0 unseen, 1 on the stack, 2 done.
    let mut colour: BTreeMap<&str, u8> = BTreeMap::new();
    for start in imports.keys() {
        if colour.get(start.as_str()).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&str, Vec<&str>)> = vec![(start, neighbours(imports, start))];
        colour.insert(start, 1);
        while let Some((node, pending)) = stack.last_mut() {
            let node = *node;
            match pending.pop() {
                None => {
                    colour.insert(node, 2);
                    stack.pop();
                }
                Some(next) => match colour.get(next).copied().unwrap_or(0) {
                    0 => {
                        colour.insert(next, 1);
                        stack.push((next, neighbours(imports, next)));
                    }
                    1 => {
                        let from = stack.iter().position(|(n, _)| *n == next).unwrap();
                        let mut cycle: Vec<String> =
                            stack[from..].iter().map(|(n, _)| n.to_string()).collect();
                        cycle.push(next.to_string());
                        return Some(cycle);
                    }
                    _ => {}
                },
            }
        }
    }
    None
}

fn neighbours<'a>(imports: &'a Imports, node: &str) -> Vec<&'a str> {
    imports
        .get(node)
        .map(|set| set.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn the_modules_import_each_other_in_one_direction() {
    let imports = imports();
    assert!(imports.len() > 10, "modules found: {imports:?}");
    if let Some(cycle) = find_cycle(&imports) {
        panic!("import cycle between modules: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_model_imports_nothing_of_the_crate() {
    let imports = imports();
    assert_eq!(imports["model"], BTreeSet::new());
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let mut imports = Imports::new();
    let edge = |imports: &mut Imports, from: &str, to: &str| {
        imports
            .entry(from.to_string())
            .or_default()
            .insert(to.to_string());
    };
    edge(&mut imports, "a", "b");
    edge(&mut imports, "b", "c");
    assert_eq!(find_cycle(&imports), None);
    edge(&mut imports, "c", "a");
    let cycle = find_cycle(&imports).unwrap();
    assert_eq!(cycle.first(), cycle.last());
    assert_eq!(cycle.len(), 4);
    assert_eq!(
        crate_paths("use crate::graph::{Graph};\nlet x = crate::model::NodeId;"),
        BTreeSet::from(["graph".to_string(), "model".to_string()])
    );
}
