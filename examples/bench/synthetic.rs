//! A deterministic synthetic C tree of a given size, for benchmarks that need no download.
//!
//! Files look like a block layer's: a licence comment, includes, a struct, a static table, then
//! functions of 10 to 60 lines with declarations, loops, string literals holding braces,
//! comments, calls to helpers in the same file and to global functions of other files, callbacks
//! handed to a scheduler, and context recognizer on about one function in six.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// Functions per file.
const FUNCTIONS_PER_FILE: usize = 50;
/// Of which the first ones are global (callable from other files); the rest are static.
const GLOBALS_PER_FILE: usize = 35;

/// A small deterministic pseudo-random generator (xorshift64*), so every run builds the same
/// tree without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Writes (once) a tree of `functions` functions under `root/<functions>` and returns its path.
/// A tree already complete from an earlier run is reused.
pub fn tree(root: &Path, functions: usize) -> io::Result<PathBuf> {
    let dir = root.join(format!("functions-{functions}"));
    let done = dir.join(".complete");
    if done.exists() {
        return Ok(dir);
    }
    let files = functions.div_ceil(FUNCTIONS_PER_FILE);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ functions as u64);
    for file in 0..files {
        let sub = dir.join(format!("dir{:02}", file % 40));
        std::fs::create_dir_all(&sub)?;
        let path = sub.join(format!("m{file}.c"));
        std::fs::write(&path, source(file, files, &mut rng))?;
        // An hour old, as a checkout's files are: the extraction cache stores no file modified
        // in the last seconds, and the cached runs would otherwise read it again.
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&path)?
            .set_modified(an_hour_ago)?;
    }
    std::fs::write(done, b"")?;
    Ok(dir)
}

/// The text of file number `file` of `files`.
fn source(file: usize, files: usize, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(
        "/*\n * Synthetic block-layer code for callcheck's benchmark.\n *\n * This file is \
         generated; its shape, not its meaning, is what matters.\n */\n\n",
    );
    out.push_str("#include \"qemu/osdep.h\"\n#include \"block/block_int.h\"\n\n");
    let _ = write!(
        out,
        "typedef struct State{file} {{\n    int refcnt;\n    void (*cb)(void *opaque);\n    \
         char name[32];\n}} State{file};\n\n\
         static const struct {{ const char *name; int value; }} table{file}[] = {{\n    \
         {{ \"a{{\", 1 }}, {{ \"b}}\", 2 }}, {{ \"c\", 3 }},\n}};\n\n"
    );
    for function in 0..FUNCTIONS_PER_FILE {
        write_function(&mut out, file, function, files, rng);
    }
    out
}

/// The name of function `function` of file `file`.
fn name(file: usize, function: usize) -> String {
    if function < GLOBALS_PER_FILE {
        format!("m{file}_g{function}")
    } else {
        format!("m{file}_s{function}")
    }
}

fn write_function(out: &mut String, file: usize, function: usize, files: usize, rng: &mut Rng) {
    let is_static = function >= GLOBALS_PER_FILE;
    let _ = write!(
        out,
        "{}int coroutine_fn\n{}(State{file} *s, int64_t offset,\n    int flags)\n{{\n",
        if is_static { "static " } else { "" },
        name(file, function)
    );
    out.push_str("    int ret = 0;\n    char buf[64];\n\n");
    match rng.below(100) {
        0..5 => out.push_str("    GLOBAL_STATE_CODE();\n\n"),
        5..13 => out.push_str("    IO_CODE();\n\n"),
        13..16 => out.push_str("    IO_OR_GS_CODE();\n\n"),
        _ => {}
    }
    let statements = 3 + rng.below(12);
    for _ in 0..statements {
        let callee = if rng.chance(30) {
            let other = rng.below(files);
            name(other, rng.below(GLOBALS_PER_FILE))
        } else {
            name(file, rng.below(FUNCTIONS_PER_FILE))
        };
        match rng.below(6) {
            0 => {
                let _ = write!(
                    out,
                    "    if (s->refcnt > {}) {{\n        ret = {callee}(s, offset + ret, flags);\n    }}\n",
                    rng.below(10)
                );
            }
            1 => {
                let _ = write!(
                    out,
                    "    for (int i = 0; i < {}; i++) {{\n        /* retry: {{ not a brace */\n        \
                     ret += {callee}(s, i, flags | 1);\n    }}\n",
                    1 + rng.below(8)
                );
            }
            2 => {
                let _ = write!(
                    out,
                    "    snprintf(buf, sizeof(buf), \"%s: {{%d}}\\n\", s->name, ret);\n    \
                     ret = {callee}(s, offset, flags);\n"
                );
            }
            3 => {
                let _ = writeln!(
                    out,
                    "    aio_bh_schedule_oneshot(qemu_get_aio_context(), {callee}, s);"
                );
            }
            4 => {
                let _ = write!(
                    out,
                    "    // Keep the reference count right before calling {callee}().\n    \
                     s->refcnt++;\n    ret = {callee}(s, offset, flags);\n    s->refcnt--;\n"
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "    switch (flags & 3) {{\n    case 0:\n        ret = {callee}(s, 0, 0);\n        \
                     break;\n    default:\n        break;\n    }}\n"
                );
            }
        }
    }
    out.push_str("    return ret;\n}\n\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_input_same_tree() {
        let a = source(3, 10, &mut Rng(7));
        let b = source(3, 10, &mut Rng(7));
        assert_eq!(a, b);
        assert_ne!(a, source(3, 10, &mut Rng(8)));
        assert_eq!(a.matches("coroutine_fn\n").count(), FUNCTIONS_PER_FILE);
    }
}
