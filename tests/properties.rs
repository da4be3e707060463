//! Property tests of the pipeline: no panic on any bytes, extraction unchanged by layout, lines
//! right, and output independent of file order.

use callcheck::config::{self, qemu_block};
use callcheck::extract::{FileFunctions, Recognizer, extract};
use callcheck::model::UseKind;
use callcheck::report::Format;
use callcheck::session::{CheckOptions, Session};
use proptest::prelude::*;

/// A function of a generated program.
#[derive(Debug, Clone)]
struct FunctionSpec {
    is_static: bool,
    marker: Option<usize>,
    calls: Vec<usize>,
    references: Vec<usize>,
}

const MARKERS: [&str; 3] = ["GLOBAL_STATE_CODE", "IO_CODE", "IO_OR_GS_CODE"];

fn function_spec(count: usize) -> impl Strategy<Value = FunctionSpec> {
    (
        any::<bool>(),
        proptest::option::of(0..MARKERS.len()),
        proptest::collection::vec(0..count, 0..4),
        proptest::collection::vec(0..count, 0..2),
    )
        .prop_map(|(is_static, marker, calls, references)| FunctionSpec {
            is_static,
            marker,
            calls,
            references,
        })
}

fn program(max: usize) -> impl Strategy<Value = Vec<FunctionSpec>> {
    (1..max).prop_flat_map(|count| proptest::collection::vec(function_spec(count), count))
}

/// The tokens of a program, to be joined by any separators.
fn tokens(functions: &[FunctionSpec]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, f) in functions.iter().enumerate() {
        if f.is_static {
            out.push("static".to_string());
        }
        out.extend(["int", &format!("fn{i}"), "(", "int", "x", ")", "{"].map(String::from));
        if let Some(m) = f.marker {
            out.extend([MARKERS[m], "(", ")", ";"].map(String::from));
        }
        for c in &f.calls {
            out.extend([&format!("fn{c}"), "(", "x", ")", ";"].map(String::from));
        }
        for r in &f.references {
            out.extend(["run", "(", &format!("fn{r}"), ")", ";"].map(String::from));
        }
        out.extend(["return", "0", ";", "}"].map(String::from));
    }
    out
}

/// What extraction found for one function, without lines: name, static, contexts, calls and
/// references.
type Shape = (String, bool, Vec<String>, Vec<String>, Vec<String>);

fn shape(file: &FileFunctions) -> Vec<Shape> {
    let (contexts, _) = qemu_block();
    file.functions
        .iter()
        .map(|f| {
            let uses = |kind| {
                file.uses_of(f)
                    .filter(|u| u.kind() == kind)
                    .map(|u| file.name(u.name).to_string())
                    .collect()
            };
            (
                file.name(f.name).to_string(),
                f.is_static,
                f.markers
                    .iter()
                    .map(|c| contexts.name(c).to_string())
                    .collect(),
                uses(UseKind::Call),
                uses(UseKind::Reference),
            )
        })
        .collect()
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(" "),
        Just("\n"),
        Just("\t"),
        Just("\r\n"),
        Just(" /* a { comment } */ "),
        Just("/**/"),
        Just(" // line comment {\n"),
        Just("\n#define X { y(\n"),
        Just("\n#pragma once\n"),
    ]
}

fn recognizer() -> Recognizer {
    Recognizer::new(&qemu_block().0)
}

/// Runs the whole pipeline on `files` (in the order given), through the library's session as
/// the command line does, and returns the text report.
fn report(files: &[(String, Vec<u8>)]) -> String {
    let config = config::preset(config::DEFAULT_PRESET).unwrap();
    let files: Vec<(String, &[u8])> = files.iter().map(|(p, b)| (p.clone(), &b[..])).collect();
    let mut session = Session::from_memory(config, &files);
    let outcome = session.check(&CheckOptions::default()).unwrap();
    let mut out = Vec::new();
    Format::Text
        .write(&mut out, &session.report(&outcome))
        .unwrap();
    String::from_utf8(out).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn no_panic_on_arbitrary_bytes(files in proptest::collection::vec(
        proptest::collection::vec(any::<u8>(), 0..2000), 1..4)
    ) {
        let files: Vec<(String, Vec<u8>)> = files
            .into_iter()
            .enumerate()
            .map(|(i, bytes)| (format!("f{i}.c"), bytes))
            .collect();
        report(&files);
    }

    #[test]
    fn no_panic_on_c_like_soup(words in proptest::collection::vec(prop_oneof![
        Just("{"), Just("}"), Just("("), Just(")"), Just(";"), Just("="), Just("f"), Just("g"),
        Just("static"), Just("struct"), Just("extern"), Just("\"C\""), Just("IO_CODE"),
        Just("GLOBAL_STATE_CODE"), Just("\n#if 0\n"), Just("\n#else\n"), Just("\n#endif\n"),
        Just("\n#ifdef A\n"), Just("->"), Just("."), Just("goto"), Just(":"), Just("'"),
        Just("\""), Just("/*"), Just("*/"), Just(","), Just("int"),
    ], 0..300)) {
        report(&[("soup.c".to_string(), words.join(" ").into_bytes())]);
    }

    #[test]
    fn layout_does_not_change_extraction(
        functions in program(8),
        separators in proptest::collection::vec(separator(), 400),
    ) {
        let tokens = tokens(&functions);
        let plain = tokens.join(" ");
        let mut spaced = String::new();
        for (i, token) in tokens.iter().enumerate() {
            spaced.push_str(token);
            spaced.push_str(separators[i % separators.len()]);
        }
        let recognizer = recognizer();
        let expected = shape(&extract(plain.as_bytes(), &recognizer));
        prop_assert_eq!(expected.len(), functions.len());
        prop_assert_eq!(shape(&extract(spaced.as_bytes(), &recognizer)), expected);
    }

    #[test]
    fn recorded_line_is_the_line_of_the_name(
        gaps in proptest::collection::vec((0..4usize, 0..3usize, any::<bool>()), 1..20)
    ) {
        let mut text = String::new();
        let mut expected = Vec::new();
        for (i, (blank, comment_lines, name_on_own_line)) in gaps.iter().enumerate() {
            text.push_str(&"\n".repeat(*blank));
            if *comment_lines > 0 {
                text.push_str(&format!("/*{}*/\n", "\n".repeat(*comment_lines)));
            }
            text.push_str("static int");
            text.push_str(if *name_on_own_line { "\n" } else { " " });
            expected.push(text.matches('\n').count() as u32 + 1);
            text.push_str(&format!("f{i}(int a,\n      int b)\n{{\n  return a;\n}}\n"));
        }
        let file = extract(text.as_bytes(), &recognizer());
        let lines: Vec<u32> = file.functions.iter().map(|f| f.line).collect();
        prop_assert_eq!(lines, expected);
    }

    #[test]
    fn output_does_not_depend_on_file_order(
        programs in proptest::collection::vec(program(6), 1..5),
        rotation in 0..5usize,
    ) {
        let files: Vec<(String, Vec<u8>)> = programs
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("dir/f{i}.c"), tokens(p).join(" ").into_bytes()))
            .collect();
        let mut shuffled = files.clone();
        shuffled.reverse();
        let len = shuffled.len();
        shuffled.rotate_left(rotation % len);
        prop_assert_eq!(report(&files), report(&shuffled));
    }
}
