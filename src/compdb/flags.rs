//! What one compile command says about the preprocessor: its macros, include directories and
//! forced includes.
//!
//! The options read are GCC's and Clang's: `-D NAME[=VALUE]`, `-U NAME`, `-I DIR`,
//! `-iquote DIR`, `-isystem DIR`, `-idirafter DIR` and `-include FILE`, each written with its
//! value attached (`-DX`, `-Iinc`) or as the next argument (`-D X`, `-I inc`). Every other
//! argument (the compiler, warnings, `-o`, the source file) is ignored.

use std::path::{Path, PathBuf};

/// The preprocessor options of one compile command, paths made absolute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    /// `-D` and `-U` in command-line order: `(NAME, Some(VALUE))` for a definition (`-DNAME`
    /// alone is `1`, as the compiler takes it), `(NAME, None)` for `-U NAME`.
    pub macros: Vec<(String, Option<String>)>,
    /// The include directories in search order: `-iquote`, then `-I`, then `-isystem`, then
    /// `-idirafter`.
    pub include_dirs: Vec<PathBuf>,
    /// The `-include` files, as written (relative to the command's directory, or absolute).
    pub forced_includes: Vec<PathBuf>,
}

/// Which search list an include directory option adds to, in the compiler's search order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum DirKind {
    Quote,
    Normal,
    System,
    After,
}

impl Flags {
    /// The flags of `arguments` (the compiler first), run in `directory`.
    pub fn parse(arguments: &[String], directory: &Path) -> Flags {
        let mut flags = Flags::default();
        let mut dirs: Vec<(DirKind, PathBuf)> = Vec::new();
        let mut rest = arguments.iter().skip(1);
        while let Some(argument) = rest.next() {
            let Some((option, attached)) = split_option(argument) else {
                continue;
            };
            let value = match attached {
                Some(value) => value.to_string(),
                None => match rest.next() {
                    Some(value) => value.clone(),
                    None => break,
                },
            };
            match option {
                "-D" => {
                    let (name, value) = value.split_once('=').unwrap_or((&value, "1"));
                    flags
                        .macros
                        .push((name.to_string(), Some(value.to_string())));
                }
                "-U" => flags.macros.push((value, None)),
                "-include" => flags.forced_includes.push(PathBuf::from(value)),
                dir_option => {
                    let kind = match dir_option {
                        "-iquote" => DirKind::Quote,
                        "-I" => DirKind::Normal,
                        "-isystem" => DirKind::System,
                        _ => DirKind::After,
                    };
                    dirs.push((kind, directory.join(value)));
                }
            }
        }
        // A stable sort keeps each list's own order.
        dirs.sort_by_key(|(kind, _)| *kind);
        flags.include_dirs = dirs.into_iter().map(|(_, dir)| dir).collect();
        flags
    }
}

/// The options that take a value, and the value if it is attached to the option's word.
/// `None` for any other argument.
fn split_option(argument: &str) -> Option<(&'static str, Option<&str>)> {
    // The longer spellings first: `-isystem` also starts with `-i`, `-include` with `-I`'s
    // neighbours.
    const OPTIONS: [&str; 7] = [
        "-include",
        "-iquote",
        "-isystem",
        "-idirafter",
        "-D",
        "-U",
        "-I",
    ];
    OPTIONS.iter().find_map(|&option| {
        let value = argument.strip_prefix(option)?;
        Some((option, (!value.is_empty()).then_some(value)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn macros_keep_their_order_and_values() {
        let flags = Flags::parse(
            &args(&[
                "cc",
                "-U_FORTIFY_SOURCE",
                "-D_FORTIFY_SOURCE=2",
                "-D",
                "A",
                "-DB=x=y",
            ]),
            Path::new("/b"),
        );
        assert_eq!(
            flags.macros,
            [
                ("_FORTIFY_SOURCE".to_string(), None),
                ("_FORTIFY_SOURCE".to_string(), Some("2".to_string())),
                ("A".to_string(), Some("1".to_string())),
                ("B".to_string(), Some("x=y".to_string())),
            ]
        );
    }

    #[test]
    fn include_directories_follow_the_search_order() {
        let flags = Flags::parse(
            &args(&[
                "cc",
                "-isystem",
                "sys",
                "-Iinc",
                "-iquote",
                "..",
                "-I",
                "/abs",
                "-idirafter",
                "late",
                "-include",
                "cfg.h",
                "-o",
                "a.o",
                "-c",
                "a.c",
            ]),
            Path::new("/b"),
        );
        let dirs: Vec<&str> = flags
            .include_dirs
            .iter()
            .map(|d| d.to_str().unwrap())
            .collect();
        assert_eq!(dirs, ["/b/..", "/b/inc", "/abs", "/b/sys", "/b/late"]);
        assert_eq!(flags.forced_includes, [PathBuf::from("cfg.h")]);
    }

    #[test]
    fn a_last_option_without_its_value_is_ignored() {
        let flags = Flags::parse(&args(&["cc", "-I"]), Path::new("/b"));
        assert_eq!(flags, Flags::default());
    }
}
