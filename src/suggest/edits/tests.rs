//! Tests of where suggestions are written: declarations only, attributes after the return
//! type, markers as the first statement, line endings kept, broken input survived.

use super::*;

/// `source` with `attributes` written on every declaration of `name` and `markers` in its
/// definition at `line`.
fn write(source: &str, name: &str, line: u32, attributes: &[&str], markers: &[&str]) -> String {
    let mut wanted = FileWanted::default();
    let at = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    wanted.insert(
        (name.to_string(), Some(line)),
        Wanted {
            attributes: at(attributes),
            markers: at(markers),
            line: Some(line),
        },
    );
    wanted.insert(
        (name.to_string(), None),
        Wanted {
            attributes: at(attributes),
            ..Wanted::default()
        },
    );
    let edit = FileEdit {
        path: String::new(),
        original: source.as_bytes().to_vec(),
        insertions: insertions(source.as_bytes(), &wanted),
    };
    String::from_utf8(edit.edited()).unwrap()
}

#[test]
fn attributes_go_after_the_return_type_everywhere() {
    let source = "static int f(void);\nstatic int f(void)\n{\n    return 0;\n}\n";
    assert_eq!(
        write(source, "f", 2, &["coroutine_fn"], &[]),
        "static int coroutine_fn f(void);\nstatic int coroutine_fn f(void)\n{\n    return 0;\n}\n"
    );
    let split = "struct Req *\nmake(int a,\n     int b)\n{\n}\nstruct Req *make(int a, int b);\n";
    assert_eq!(
        write(split, "make", 2, &["coroutine_fn"], &[]),
        "struct Req * coroutine_fn\nmake(int a,\n     int b)\n{\n}\nstruct Req *coroutine_fn make(int a, int b);\n"
    );
}

#[test]
fn only_declarations_are_written() {
    // A call, a macro and a definition at another line are left alone.
    let source =
        "#define f(x) x\nint g(void) { return f(1); }\nint f(int x)\n{\n    return x;\n}\n";
    assert_eq!(
        write(source, "f", 3, &["coroutine_fn"], &[]),
        "#define f(x) x\nint g(void) { return f(1); }\nint coroutine_fn f(int x)\n{\n    return x;\n}\n"
    );
    assert_eq!(
        write(source, "f", 9, &["coroutine_fn"], &["IO_CODE"]),
        source
    );
}

#[test]
fn markers_are_the_first_statement_indented_like_the_body() {
    let tabs = "void f(void)\n{\n#ifdef X\n\tx();\n#endif\n}\n";
    assert_eq!(
        write(tabs, "f", 1, &[], &["IO_CODE"]),
        "void f(void)\n{\n\tIO_CODE();\n#ifdef X\n\tx();\n#endif\n}\n"
    );
    let empty = "void f(void)\n{\n}\n";
    assert_eq!(
        write(empty, "f", 1, &[], &["IO_CODE"]),
        "void f(void)\n{\n    IO_CODE();\n}\n"
    );
    let one_line = "void f(void) { x(); }\n";
    assert_eq!(
        write(one_line, "f", 1, &[], &["IO_CODE"]),
        "void f(void) { IO_CODE(); x(); }\n"
    );
    let crlf = "void f(void)\r\n{\r\n  x();\r\n}\r\n";
    assert_eq!(
        write(crlf, "f", 1, &[], &["IO_CODE"]),
        "void f(void)\r\n{\r\n  IO_CODE();\r\n  x();\r\n}\r\n"
    );
}

#[test]
fn broken_input_never_panics() {
    for source in [
        "f",
        "int f(",
        "int f(;",
        "int f() {",
        "* f(",
        "int f(void)\n{",
        "int f(a))) {",
    ] {
        let _ = write(source, "f", 1, &["coroutine_fn"], &["IO_CODE"]);
    }
}
