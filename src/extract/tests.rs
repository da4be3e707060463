//! Unit tests of extraction.

use super::*;
use crate::config::qemu_block;
use crate::model::{Guard, UseKind};

/// (name, line, static, contexts, calls, references) of each definition.
type Summary = (String, u32, bool, Vec<String>, Vec<String>, Vec<String>);

fn summarize(source: &str) -> Vec<Summary> {
    let (contexts, _) = qemu_block();
    let file = extract(source.as_bytes(), &Recognizer::new(&contexts));
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
                f.line,
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

fn names(source: &str) -> Vec<String> {
    summarize(source).into_iter().map(|s| s.0).collect()
}

/// `source` extracted as the `qemu-block` preset's recognizer extracts it.
fn extract_block(source: &str) -> FileFunctions {
    let (contexts, _) = qemu_block();
    extract(source.as_bytes(), &Recognizer::new(&contexts))
}

/// The names of `file`'s prototypes, in source order.
fn prototype_names(file: &FileFunctions) -> Vec<&str> {
    file.prototypes.iter().map(|p| file.name(p.name)).collect()
}

fn calls_of(source: &str, function: &str) -> Vec<String> {
    summarize(source)
        .into_iter()
        .find(|s| s.0 == function)
        .map(|s| s.4)
        .unwrap_or_else(|| panic!("{function} not found"))
}

#[test]
fn simple_definition() {
    let got = summarize("static int\nf(int a)\n{\n    IO_CODE();\n    return g(a, h);\n}\n");
    let expected: Summary = (
        "f".into(),
        2,
        true,
        vec!["IO_CODE".into()],
        vec!["IO_CODE".into(), "g".into()],
        vec!["a".into(), "h".into()],
    );
    assert_eq!(got, vec![expected]);
}

#[test]
fn prototypes_and_declarations_are_not_definitions() {
    let source = "int f(int);\nextern int x;\nint (*fp)(void);\nint g(void) { return 0; }";
    assert_eq!(names(source), ["g"]);
}

#[test]
fn initializers_and_aggregates_are_not_definitions() {
    let source = "static const S s = { f(1), { g(2) } };\n\
        struct S { int (*cb)(int); int x; };\n\
        typedef union U { struct { int a; } b; } U;\n\
        enum E { A = sizeof(int), B };\n\
        S t[] = { [0] = { h() } };\n\
        struct S *make(struct S *s, union U u) { return 0; }\n\
        struct T { int a; } *other(void) { return 0; }\n";
    assert_eq!(names(source), ["make", "other"]);
}

#[test]
fn words_in_attributes_are_not_declared_names() {
    let source = "struct S __attribute__((aligned(8))) { int a; };\n\
        union __declspec(align(16)) U { int b; };\n\
        struct T __attribute((aligned(sizeof(long)))) *make(void) { return 0; }\n\
        int x __attribute__((aligned(8)));\n\
        __attribute__((section(\"text\"))) int placed(void) { }\n";
    assert_eq!(names(source), ["make", "placed"]);
    let file = extract_block(source);
    let prototypes = prototype_names(&file);
    assert!(prototypes.is_empty(), "{prototypes:?}");
}

#[test]
fn words_in_keyword_operands_are_not_declared_names() {
    // The parentheses after `_Static_assert`, `typeof`, `sizeof`, `_Alignas` and their kin
    // hold a type, an expression or a string: never the name a declaration declares.
    let source = "_Static_assert(offsetof(struct S, f) == 0, \"layout\");\n\
        static_assert(check(1));\n\
        typeof(helper(0)) value;\n\
        __typeof__(pick(2)) *pointer;\n\
        struct A _Alignas(fit(8)) { int a; };\n\
        typeof(helper(0)) made(void) { return 0; }\n";
    assert_eq!(names(source), ["made"]);
    let file = extract_block(source);
    let prototypes = prototype_names(&file);
    assert!(prototypes.is_empty(), "{prototypes:?}");
}

#[test]
fn words_before_the_name_and_attributes() {
    let source = "static inline coroutine_fn GRAPH_RDLOCK int QEMU_WARN_UNUSED_RESULT\n\
        bdrv_co_f(BlockDriverState *bs,\n          int flags)\n{ }\n\
        void G_GNUC_PRINTF(2, 3) report(int level, const char *fmt, ...) { }\n\
        int __attribute__((noinline)) attributed(void) __attribute__((cold)) { }\n";
    let got = summarize(source);
    assert_eq!(got[0].0, "bdrv_co_f");
    assert_eq!(got[0].1, 2);
    assert!(got[0].2);
    assert_eq!(names(source), ["bdrv_co_f", "report", "attributed"]);
}

#[test]
fn function_returning_function_pointer() {
    assert_eq!(
        names("void (*get_cb(int n))(void) { return 0; }"),
        ["get_cb"]
    );
    assert_eq!(
        names("static int (*pick(int (*a)(void), int b))(int) { }"),
        ["pick"]
    );
}

#[test]
fn knr_definitions() {
    let source = "int old(a, b)\n  int a;\n  char *b;\n{\n  return f(a);\n}\n\
        MACRO(x, y)\nstatic int v;\nint next(void) { }\n";
    let got = summarize(source);
    assert_eq!(names(source), ["old", "next"]);
    assert_eq!(got[0].4, ["f"]);
    assert!(!got[1].2, "`static int v;` belongs to its own declaration");
}

#[test]
fn attributes_after_parameters_end_a_prototype() {
    let (contexts, _) = crate::config::qemu_block();
    let mut all = contexts.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>();
    all.push(crate::context::Context {
        name: "coroutine_fn".into(),
        recognition: Recognition::Attribute(vec!["coroutine_fn".into()]),
    });
    let contexts = Contexts::new(all).unwrap();
    let source = "int a(int x) coroutine_fn;\nint b(x, y) coroutine_fn;\nvoid c(void);\n";
    let file = extract(source.as_bytes(), &Recognizer::new(&contexts));
    assert_eq!(prototype_names(&file), ["a", "b"]);
}

#[test]
fn macro_invocation_without_semicolon_before_definition() {
    let source = "type_init(register_types)\nstatic void later(void) { g(); }\n";
    assert_eq!(names(source), ["later"]);
    assert!(summarize(source)[0].2);
}

#[test]
fn extern_c_is_transparent() {
    let source = "extern \"C\" {\nint f(void) { return g(); }\n}\nint h(void) { }\n";
    assert_eq!(names(source), ["f", "h"]);
}

#[test]
fn calls_and_references_in_the_body() {
    let source = "void f(void) {\n\
        WITH_QEMU_LOCK_GUARD(&m) { locked(); }\n\
        aio_bh_schedule_oneshot(ctx, my_bh_cb, &data);\n\
        x = ASSERT(inner(1));\n\
        cb = &other_cb;\n\
        s->member(1); s.field = 2; p->next->fn(3);\n\
        if (a) while (b) for (;;) switch (c) { }\n\
        return sizeof(int) + typeof(y) + __typeof__(z);\n\
        goto out;\n\
        out: done(); t = u ? v : w;\n}\n";
    let got = summarize(source);
    assert_eq!(
        got[0].4,
        [
            "WITH_QEMU_LOCK_GUARD",
            "locked",
            "aio_bh_schedule_oneshot",
            "ASSERT",
            "inner",
            "done"
        ]
    );
    assert_eq!(
        got[0].5,
        [
            "m", "ctx", "my_bh_cb", "data", "other_cb", "a", "b", "c", "y", "z", "u", "v", "w"
        ],
        "assigned names and names accessed through are never functions"
    );
}

#[test]
fn each_name_is_recorded_once_and_calls_win() {
    let source = "void f(void) {\n run(g);\n g();\n g();\n}\n";
    let file = extract_block(source);
    let uses: Vec<Use> = file.uses_of(&file.functions[0]).collect();
    assert_eq!(uses.len(), 2, "run and g");
    assert_eq!(file.name(uses[1].name), "g");
    assert_eq!((uses[1].kind(), uses[1].line()), (UseKind::Call, 3));
}

#[test]
fn markers_give_contexts_only_when_invoked() {
    let source = "void f(void) { GLOBAL_STATE_CODE(); IO_OR_GS_CODE(); }\n\
        void g(void) { int IO_CODE; }\n";
    let got = summarize(source);
    assert_eq!(got[0].3, ["GLOBAL_STATE_CODE", "IO_OR_GS_CODE"]);
    assert_eq!(
        got[0].4,
        ["GLOBAL_STATE_CODE", "IO_OR_GS_CODE"],
        "with macro edges a marker is a call, so its body's calls count"
    );
    assert!(got[1].3.is_empty());
    let (contexts, _) = qemu_block();
    let mut recognizer = Recognizer::new(&contexts);
    recognizer.extras.macros = false;
    let file = extract(source.as_bytes(), &recognizer);
    assert_eq!(
        file.uses_of(&file.functions[0]).len(),
        0,
        "without macro edges a marker is only a context"
    );
}

#[test]
fn define_bodies_are_not_code() {
    let source = "#define F(x) \\\n  void fake(void) { g(); }\n\
        #define BODY { real_in_macro(); }\nvoid f(void) { h(); }\n";
    assert_eq!(names(source), ["f"]);
    assert_eq!(calls_of(source, "f"), ["h"]);
}

#[test]
fn directive_between_name_and_parenthesis() {
    let source = "void f(void) {\n  g\n#define X 1\n  (1);\n}\n";
    assert_eq!(calls_of(source, "f"), ["g"]);
}

#[test]
fn if_zero_is_dead_code() {
    let source = "#if 0\nvoid dead(void) { }\n#if 1\nvoid dead2(void) { }\n#endif\n\
        #else\nvoid alive(void) { }\n#endif\n\
        void f(void) {\n#if 0\n  g();\n#elif X\n  h();\n#endif\n}\n";
    assert_eq!(names(source), ["alive", "f"]);
    assert_eq!(calls_of(source, "f"), ["h"]);
}

#[test]
fn branches_restore_brace_depth() {
    let source = "#ifdef A\nvoid f(int a) {\n#else\nvoid f(void) {\n#endif\n  g();\n}\n\
        void after(void) { h(); }\n";
    assert_eq!(names(source), ["f", "f", "after"]);
    assert_eq!(calls_of(source, "after"), ["h"]);
    let source = "void f(void) {\n  if (x) {\n#ifdef A\n  }\n#else\n  }\n#endif\n  g();\n}\n\
        void after(void) { }\n";
    assert_eq!(names(source), ["f", "after"]);
    assert_eq!(calls_of(source, "f"), ["g"]);
}

#[test]
fn unbalanced_braces_are_reported() {
    let (contexts, _) = qemu_block();
    let recognizer = Recognizer::new(&contexts);
    let open = extract(b"void f(void) {\n  if (x) {\n", &recognizer);
    assert_eq!(open.unclosed, Some(UnclosedBraces { count: 2, line: 1 }));
    assert_eq!(
        open.functions.len(),
        1,
        "the open function is still recorded"
    );
    let stray = extract(b"}\nvoid f(void) { }\n}\n", &recognizer);
    assert_eq!(stray.stray_closing_braces, [1, 3]);
    assert_eq!(stray.functions.len(), 1);
}

#[test]
fn unterminated_comment_or_literal_is_reported() {
    let (contexts, _) = qemu_block();
    let recognizer = Recognizer::new(&contexts);
    let comment = extract(
        b"void f(void) { }\n/* open\nvoid g(void) { }\n",
        &recognizer,
    );
    assert_eq!(
        comment.unterminated,
        Some(Unterminated {
            comment: true,
            line: 2
        })
    );
    assert_eq!(comment.functions.len(), 1);
    let literal = extract(b"void f(void) {\n  s = \"abc", &recognizer);
    let expected = Unterminated {
        comment: false,
        line: 2,
    };
    assert_eq!(literal.unterminated, Some(expected));
    assert_eq!(extract(b"int x;", &recognizer).unterminated, None);
}

#[test]
fn pragmas_speak_for_their_function() {
    let (contexts, _) = qemu_block();
    let source = "/* callcheck: allow(GLOBAL_STATE_CODE, IO_CODE) runs in a BH */\n\
        static void\nf(void)\n{\n    g(); // callcheck: ignore only at startup\n}\n\
        void h(void) {\n    // callcheck: allow(IO_OR_GS_CODE)\n}\n\
        // callcheck: allow(X) too far\nint x;\nvoid k(void) { }\n\
        #if 0\n// callcheck: ignore dead\n#endif\n/* callcheck: bogus */\n";
    let file = extract(source.as_bytes(), &Recognizer::new(&contexts));
    let allow = |names: &[&str], function| PragmaKind::Allow {
        contexts: names.iter().map(|n| n.to_string()).collect(),
        function,
    };
    let got: Vec<_> = file
        .pragmas
        .iter()
        .map(|p| (p.kind.clone(), p.line, p.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                allow(&["GLOBAL_STATE_CODE", "IO_CODE"], Some(0)),
                1,
                "runs in a BH"
            ),
            (PragmaKind::Ignore, 5, "only at startup"),
            (allow(&["IO_OR_GS_CODE"], Some(1)), 8, ""),
            (allow(&["X"], None), 10, "too far"),
            (PragmaKind::Unrecognised, 16, "bogus"),
        ]
    );
}

/// A recognizer of the QEMU block markers and the coroutine_fn attribute.
fn coroutine_recognizer() -> (Contexts, Recognizer) {
    let (contexts, _) = qemu_block();
    let mut all = contexts.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>();
    all.push(crate::context::Context {
        name: "coroutine_fn".into(),
        recognition: Recognition::Attribute(vec!["coroutine_fn".into()]),
    });
    let contexts = Contexts::new(all).unwrap();
    let recognizer = Recognizer::new(&contexts);
    (contexts, recognizer)
}

#[test]
fn member_calls_are_field_uses() {
    let (_, recognizer) = coroutine_recognizer();
    let source = "void f(void) {\n  s->cb(1);\n  s.cb(2);\n  g();\n  x->y.z(3);\n}\n";
    let file = extract(source.as_bytes(), &recognizer);
    let uses: Vec<_> = file
        .uses_of(&file.functions[0])
        .map(|u| (file.name(u.name), u.kind(), u.line()))
        .collect();
    assert_eq!(
        uses,
        [
            ("cb", UseKind::Field, 2),
            ("g", UseKind::Call, 4),
            ("z", UseKind::Field, 5)
        ]
    );
    let without = Recognizer {
        extras: Extras {
            fields: false,
            ..Extras::ALL
        },
        ..recognizer
    };
    let file = extract(source.as_bytes(), &without);
    assert!(file.uses.iter().all(|u| u.kind() != UseKind::Field));
}

#[test]
fn initializers_and_assignments_bind_functions_to_fields() {
    let (_, recognizer) = coroutine_recognizer();
    let source = "static const BlockDriver drv = {\n  .open = my_open,\n  .close = &my_close,\n\
        .name = \"x\",\n  .inner = { .deep = f },\n};\n\
        static Ops table[] = { { .read = r1 }, [1] = { .read = r2 } };\n\
        void setup(Ops *o) {\n  o->write = w;\n  o->n = 3;\n  x = (Ops){ .read = r3 };\n  p->cb = r4;\n}\n";
    let bindings = |recognizer: &Recognizer| -> Vec<_> {
        let file = extract(source.as_bytes(), recognizer);
        file.field_bindings
            .iter()
            .map(|b| {
                (
                    b.struct_type.map(|t| file.name(t).to_string()),
                    file.name(b.field).to_string(),
                    file.name(b.target).to_string(),
                    b.line,
                )
            })
            .collect()
    };
    let typed = |t: &str, f: &str, g: &str, line| (Some(t.into()), f.into(), g.into(), line);
    let untyped = |f: &str, g: &str, line| (None, f.into(), g.into(), line);
    let expected = [
        typed("BlockDriver", "open", "my_open", 2),
        typed("BlockDriver", "close", "my_close", 3),
        typed("BlockDriver", "deep", "f", 5),
        typed("Ops", "read", "r1", 7),
        typed("Ops", "read", "r2", 7),
        typed("Ops", "write", "w", 9),
        typed("Ops", "read", "r3", 11),
        untyped("cb", "r4", 12),
    ];
    assert_eq!(bindings(&recognizer), expected);
    let fields_only = Recognizer {
        extras: Extras {
            fields: true,
            macros: false,
            aliases: false,
            head_words: false,
            arguments: false,
        },
        ..recognizer
    };
    assert_eq!(
        bindings(&fields_only),
        expected,
        "types do not depend on head words being kept"
    );
}

#[test]
fn function_pointer_members_carry_their_attributes() {
    let (contexts, recognizer) = coroutine_recognizer();
    let source = "struct S {\n  int coroutine_fn (*a)(int x);\n  void (*b)(void);\n  int c;\n\
        struct { int (*nested)(void); } inner;\n};\n";
    let file = extract(source.as_bytes(), &recognizer);
    let coroutine = contexts.by_name("coroutine_fn").unwrap();
    let decls: Vec<_> = file
        .field_decls
        .iter()
        .map(|d| {
            let tag = d.struct_type.map(|t| file.name(t));
            (
                tag,
                file.name(d.field),
                d.line,
                d.attributes.contains(coroutine),
            )
        })
        .collect();
    assert_eq!(
        decls,
        [(Some("S"), "a", 2, true), (Some("S"), "b", 3, false)],
        "members of nested structs are not the outer struct's"
    );
}

#[test]
fn function_like_macros_and_aliases_are_recorded() {
    let (contexts, recognizer) = coroutine_recognizer();
    let source = "#define POLL(bs, cond) ({ IO_OR_GS_CODE(); helper(bs); cond(x); \\\n\
        s->m(1); if (a) b##c(); })\n\
        #define NOTHING(x) ((x) + 1)\n#define ALIAS a_word b_word\n#define NUM 3\n\
        #if 0\n#define DEAD(x) dead_call()\n#endif\nvoid f(void) { }\n";
    let file = extract(source.as_bytes(), &recognizer);
    assert_eq!(file.macros.len(), 1, "{:?}", file.macros);
    let poll = file.macros[0];
    assert_eq!((file.name(poll.name), poll.line), ("POLL", 1));
    let marker = contexts.by_name("IO_OR_GS_CODE").unwrap();
    assert!(poll.markers.contains(marker));
    let calls: Vec<_> = file
        .words(poll.calls)
        .iter()
        .map(|&w| file.name(w))
        .collect();
    assert_eq!(
        calls,
        ["helper"],
        "not parameters, members, keywords or pasted names"
    );
    let aliases: Vec<_> = file
        .aliases
        .iter()
        .map(|a| {
            let words: Vec<_> = file.words(a.words).iter().map(|&w| file.name(w)).collect();
            (file.name(a.name), a.line, words)
        })
        .collect();
    assert_eq!(aliases, [("ALIAS", 4, vec!["a_word", "b_word"])]);
    assert_eq!(
        names(source),
        ["f"],
        "no definition is lost to the directives"
    );
}

#[test]
fn heads_keep_their_words() {
    let (_, recognizer) = coroutine_recognizer();
    let source = "static inline BlockDriverState *co_wrapper_mixed\nbdrv_open(int flags);\n\
        int plain(void);\nint coroutine_fn GRAPH_RDLOCK g(int x) { return x; }\n";
    let file = extract(source.as_bytes(), &recognizer);
    let words = |range| -> Vec<&str> { file.words(range).iter().map(|&w| file.name(w)).collect() };
    let prototypes: Vec<_> = file
        .prototypes
        .iter()
        .map(|p| (file.name(p.name), words(p.words)))
        .collect();
    assert_eq!(
        prototypes,
        [("bdrv_open", vec!["BlockDriverState", "co_wrapper_mixed"])],
        "`int plain(void)` has no words and no attribute: it is not kept"
    );
    assert_eq!(
        words(file.functions[0].words),
        ["coroutine_fn", "GRAPH_RDLOCK"]
    );
}

#[test]
fn lexing_traps_do_not_derail() {
    let source = "void f(void) {\n  char c = '{';\n  char d = '\"';\n  s = \"}\\\"{\";\n\
        /* } */ // }\n  g();\n}\nvoid h(void) { }\n";
    assert_eq!(names(source), ["f", "h"]);
    assert_eq!(calls_of(source, "f"), ["g"]);
}

#[test]
fn lines_survive_crlf_and_cr() {
    let source = "int a;\r\n\r\nvoid f(void)\r\n{\r\n}\rvoid g(void) {}\r";
    let got = summarize(source);
    assert_eq!((got[0].1, got[1].1), (3, 6));
}

#[test]
fn typedefs_of_function_types_and_of_other_types_are_recorded() {
    let (contexts, recognizer) = coroutine_recognizer();
    let source = "typedef void coroutine_fn CoroutineEntry(void *opaque);\n\
        typedef int coroutine_fn (*AioTaskFunc)(AioTask *task);\n\
        typedef void (ObjectFree)(void *obj);\n\
        typedef QTAILQ_HEAD(, Foo) FooList;\n\
        typedef struct IRQState *qemu_irq;\n\
        typedef struct Foo Foo;\n\
        void coroutine_fn not_a_typedef(void *opaque);\n";
    let file = extract(source.as_bytes(), &recognizer);
    let coroutine = contexts.by_name("coroutine_fn").unwrap();
    let types: Vec<_> = file
        .function_types
        .iter()
        .map(|t| (file.name(t.name), t.attributes.contains(coroutine)))
        .collect();
    assert_eq!(
        types,
        [
            ("CoroutineEntry", true),
            ("AioTaskFunc", true),
            ("ObjectFree", false)
        ]
    );
    let aliases: Vec<_> = file
        .type_aliases
        .iter()
        .map(|a| (file.name(a.name), file.name(a.target)))
        .collect();
    assert_eq!(
        aliases,
        [("qemu_irq", "IRQState")],
        "a macro invocation names no type, and Foo is Foo"
    );
    assert_eq!(
        prototype_names(&file),
        ["not_a_typedef"],
        "a typedef is no prototype"
    );
}

#[test]
fn tagless_typedef_structs_give_their_members_a_type() {
    let (_, recognizer) = coroutine_recognizer();
    let source = "typedef struct {\n  int (*cb)(void);\n  Job job;\n  Bar *bar;\n  int n;\n} Name;\n\
        static struct {\n  int (*run)(void);\n  Job job;\n} table[] = { { 0 } };\n\
        struct Tagged {\n  Job job;\n};\n";
    let file = extract(source.as_bytes(), &recognizer);
    let decls: Vec<_> = file
        .field_decls
        .iter()
        .map(|d| (d.struct_type.map(|t| file.name(t)), file.name(d.field)))
        .collect();
    assert_eq!(
        decls,
        [(Some("Name"), "cb"), (Some("table"), "run")],
        "a struct without a tag or typedef is named after the variable it declares"
    );
    let members: Vec<_> = file
        .pointer_members
        .iter()
        .map(|m| {
            (
                file.name(m.struct_type),
                file.name(m.member),
                file.name(m.pointee),
                m.line,
            )
        })
        .collect();
    assert_eq!(
        members,
        [
            ("Name", "job", "Job", 3),
            ("Name", "bar", "Bar", 4),
            ("table", "job", "Job", 9),
            ("Tagged", "job", "Job", 12)
        ]
    );
    let globals: Vec<_> = file
        .globals
        .iter()
        .map(|g| (file.name(g.name), file.name(g.type_name)))
        .collect();
    assert_eq!(globals, [("table", "table")]);
}

#[test]
fn globals_and_array_elements_start_access_paths() {
    let (_, recognizer) = coroutine_recognizer();
    let source = "extern struct Ops *ops;
static int (*hooks[N_HOOKS])(void);
        static Handler handlers[N_STATES];
int counter = 0, other;
        void f(Local *l, int i)
{
  ops->write(1);
  handlers[i].run(2);
  l[i].go(3);
        l->go(4);
}
";
    let file = extract(source.as_bytes(), &recognizer);
    let globals: Vec<_> = file
        .globals
        .iter()
        .map(|g| (file.name(g.name), file.name(g.type_name)))
        .collect();
    assert_eq!(
        globals,
        [("ops", "Ops"), ("handlers", "Handler")],
        "a function pointer array, an int, and words in brackets declare no typed variable"
    );
    let paths: Vec<String> = file
        .member_paths
        .iter()
        .map(|p| {
            let field = file.name(file.uses.get(p.use_index).name);
            match p.base {
                PathBase::Global(g) => format!("global {}: {field}", file.name(g)),
                PathBase::Type(t) => format!("{}: {field}", file.name(t)),
                PathBase::Cast { .. } => "cast".to_string(),
            }
        })
        .collect();
    assert_eq!(
        paths,
        ["global ops: write", "global handlers: run", "Local: go"],
        "one use per field and path start"
    );
}

#[test]
fn index_designators_bind_to_the_element_type() {
    let (_, recognizer) = coroutine_recognizer();
    let source = "static const struct {
  void (*handler)(int);
} states[] = {
        [S_IDLE].handler = idle,
  [S_BUSY] = { .handler = busy },
};
        static Plain plain[] = { [0].cb = first };
";
    let file = extract(source.as_bytes(), &recognizer);
    let bound: Vec<_> = file
        .field_bindings
        .iter()
        .map(|b| {
            (
                b.struct_type.map(|t| file.name(t)),
                file.name(b.field),
                file.name(b.target),
            )
        })
        .collect();
    assert_eq!(
        bound,
        [
            (Some("states"), "handler", "idle"),
            (Some("states"), "handler", "busy"),
            (Some("Plain"), "cb", "first")
        ]
    );
}

#[test]
fn cast_macros_and_qom_declarations_are_recorded() {
    let (_, recognizer) = coroutine_recognizer();
    let source = "#define OBJECT_CHECK(type, obj, name) \\\n\
        ((type *)object_dynamic_cast_assert(OBJECT(obj), (name)))\n\
        #define OBJECT_GET_CLASS(class, obj, name) \\\n\
        OBJECT_CLASS_CHECK(class, object_get_class(OBJECT(obj)), name)\n\
        #define FOO(obj) OBJECT_CHECK(FooState, (obj), TYPE_FOO)\n\
        #define BAR(obj) ((const struct Bar *)(obj))\n\
        #define NOT_A_CAST(a, b) ((b *)(a))\n\
        #define PLUS(x) ((x) + 1)\n\
        OBJECT_DECLARE_TYPE(BlockJob, BlockJobClass, BLOCK_JOB)\n\
        OBJECT_DECLARE_SIMPLE_TYPE(PCIBridge, PCI_BRIDGE)\n\
        DECLARE_CLASS_CHECKERS(DeviceClass, DEVICE, TYPE_DEVICE)\n\
        OBJECT_DECLARE_TYPE(TooFew, ARGS)\n";
    let file = extract(source.as_bytes(), &recognizer);
    let casts: Vec<String> = file
        .cast_macros
        .iter()
        .map(|c| {
            let target = match c.target {
                CastTarget::Type(t) => file.name(t).to_string(),
                CastTarget::FirstParam => "<first>".to_string(),
                CastTarget::Via { name, arg } => format!(
                    "{}({})",
                    file.name(name),
                    arg.map_or("<first>", |a| file.name(a))
                ),
            };
            format!("{}{} -> {target}", file.name(c.name), c.suffix.text())
        })
        .collect();
    assert_eq!(
        casts,
        [
            "OBJECT_CHECK -> <first>",
            "OBJECT_GET_CLASS -> OBJECT_CLASS_CHECK(<first>)",
            "FOO -> OBJECT_CHECK(FooState)",
            "BAR -> Bar",
            "BLOCK_JOB -> BlockJob",
            "BLOCK_JOB_CLASS -> BlockJobClass",
            "BLOCK_JOB_GET_CLASS -> BlockJobClass",
            "PCI_BRIDGE -> PCIBridge",
            "DEVICE_CLASS -> DeviceClass",
            "DEVICE_GET_CLASS -> DeviceClass",
        ]
    );
}

#[test]
fn member_paths_start_at_macro_invocations() {
    let (_, recognizer) = coroutine_recognizer();
    let source = "void f(void *o)\n{\n  BLOCK_JOB(o)->drv->run(o);\n\
        OBJECT_GET_CLASS(Foo, o, TYPE_FOO)->go(o);\n  lower(o)->x(o);\n\
        (BAR(o))->y(o);\n  BAR(f(o))->z(o);\n}\n";
    let file = extract(source.as_bytes(), &recognizer);
    let paths: Vec<String> = file
        .member_paths
        .iter()
        .map(|p| {
            let field = file.name(file.uses.get(p.use_index).name);
            let through: Vec<&str> = file
                .words(p.through)
                .iter()
                .map(|&w| file.name(w))
                .collect();
            match p.base {
                PathBase::Cast { name, first_arg } => format!(
                    "{}({})->{}{field}",
                    file.name(name),
                    first_arg.map_or("", |a| file.name(a)),
                    through.iter().map(|t| format!("{t}->")).collect::<String>()
                ),
                PathBase::Type(t) => format!("{}: {field}", file.name(t)),
                PathBase::Global(g) => format!("global {}: {field}", file.name(g)),
            }
        })
        .collect();
    assert_eq!(
        paths,
        [
            "BLOCK_JOB(o)->drv->run",
            "OBJECT_GET_CLASS(Foo)->go",
            "BAR()->z"
        ],
        "a lower-case call and a parenthesized invocation start no path"
    );
}

#[test]
fn parameters_and_locals_bind_no_function() {
    let (_, recognizer) = coroutine_recognizer();
    let source = "void init(Coroutine *co, CoroutineEntry *entry, qemu_irq_handler handler)\n{\n\
        co->entry = entry;\n  co->h = handler;\n  co->g = global_fn;\n}\n";
    let file = extract(source.as_bytes(), &recognizer);
    let bound: Vec<_> = file
        .field_bindings
        .iter()
        .map(|b| (file.name(b.field), file.name(b.target)))
        .collect();
    assert_eq!(bound, [("g", "global_fn")]);
}

/// Each use of `function` in `source`, `name:guard`, with `qemu_in_coroutine` as the guard.
fn guarded_uses(source: &str, function: &str) -> Vec<String> {
    let (contexts, _) = qemu_block();
    let recognizer = Recognizer::new(&contexts).with_guards(["qemu_in_coroutine"]);
    let file = extract(source.as_bytes(), &recognizer);
    let def = file
        .functions
        .iter()
        .find(|f| file.name(f.name) == function)
        .unwrap_or_else(|| panic!("{function} not found"));
    file.uses_of(def)
        .filter(|u| file.name(u.name) != "qemu_in_coroutine")
        .map(|u| format!("{}:{}", file.name(u.name), u.guard().name()))
        .collect()
}

#[test]
fn guarded_branches_in_braces() {
    let source = "void f(void) {\n a();\n if (qemu_in_coroutine()) {\n  b();\n  if (x) { c(); }\n } \
                  else {\n  d();\n }\n e();\n}\n";
    assert_eq!(
        guarded_uses(source, "f"),
        [
            "a:none",
            "b:inside",
            "x:inside",
            "c:inside",
            "d:outside",
            "e:none"
        ]
    );
}

#[test]
fn negated_guard_and_single_statements() {
    let source = "void f(void) {\n if (!qemu_in_coroutine()) a(1, (b)); else c();\n d();\n}\n";
    assert_eq!(
        guarded_uses(source, "f"),
        ["a:outside", "b:outside", "c:inside", "d:none"]
    );
}

#[test]
fn early_return_makes_the_rest_the_else_branch() {
    // bdrv_do_drained_begin(): the rest of the enclosing block runs only outside coroutines.
    let source = "void f(void) {\n if (x) {\n  if (qemu_in_coroutine()) {\n   g();\n   return;\n  \
                  }\n  h();\n }\n i();\n}\n\
                  void k(void) {\n if (!qemu_in_coroutine()) return;\n l();\n}\n";
    assert_eq!(
        guarded_uses(source, "f"),
        ["x:none", "g:inside", "h:outside", "i:none"]
    );
    assert_eq!(guarded_uses(source, "k"), ["l:inside"]);
}

#[test]
fn the_rest_after_an_early_return_ends_at_a_label() {
    // A `goto out` or another `case` from before the return reaches what follows the label.
    let source = "void f(int n) {\n if (n) goto out;\n if (qemu_in_coroutine()) { return; }\n g();\n\
                  out:\n h();\n}\n\
                  void k(int n) {\n switch (n) {\n case 1:\n  if (!qemu_in_coroutine()) return;\n  \
                  l();\n  break;\n case 2:\n  m();\n }\n}\n";
    assert_eq!(guarded_uses(source, "f"), ["n:none", "g:outside", "h:none"]);
    assert_eq!(guarded_uses(source, "k"), ["n:none", "l:inside", "m:none"]);
}

#[test]
fn a_return_that_is_not_last_is_no_early_return() {
    let source = "void f(void) {\n if (qemu_in_coroutine()) {\n  if (y) { return; }\n  g();\n }\n \
                  h();\n}\n";
    assert_eq!(
        guarded_uses(source, "f"),
        ["y:inside", "g:inside", "h:none"]
    );
}

#[test]
fn unsupported_shapes_stay_unguarded() {
    // Conditions that combine the guard, assertions, and `else if` chains are not followed.
    let source = "void f(void) {\n if (a && qemu_in_coroutine()) { b(); }\n \
                  assert(!qemu_in_coroutine());\n c();\n \
                  if (qemu_in_coroutine()) { d(); } else if (e) { g(); }\n \
                  if (qemu_in_coroutine()) while (z) w();\n}\n";
    assert_eq!(
        guarded_uses(source, "f"),
        [
            "a:none",
            "b:none",
            "assert:none",
            "c:none",
            "d:inside",
            "e:none",
            "g:none",
            "z:none",
            "w:none"
        ]
    );
}

#[test]
fn a_name_used_guarded_and_unguarded_is_unguarded() {
    let source = "void f(void) {\n if (qemu_in_coroutine()) { g(); h(); } else { h(); }\n g();\n \
                  if (qemu_in_coroutine()) { s->cb(); }\n s->cb();\n}\n";
    assert_eq!(guarded_uses(source, "f"), ["g:none", "h:none", "cb:none"]);
}

#[test]
fn guards_need_a_recognizer_that_names_them() {
    let source = "void f(void) {\n if (qemu_in_coroutine()) { g(); }\n}\n";
    let file = extract_block(source);
    assert!(file.uses.iter().all(|u| u.guard() == Guard::None));
}

#[test]
fn references_handed_to_deferred_calls_are_marked() {
    let config = crate::config::preset("qemu").unwrap();
    let recognizer = config.recognizer(crate::model::EdgeKinds::ALL);
    let source = "void f(void)\n{\n\
        qemu_thread_create(&t, \"w\", worker, wrap(helper), 0);\n\
        aio_bh_schedule_oneshot(ctx, bh_cb, NULL);\n\
        aio_bh_schedule_oneshot(ctx, (QEMUBHFunc *)cast_cb, NULL);\n\
        atexit(at_exit_fn);\n\
        drv->bdrv_aio_ioctl(bs, req, buf, complete, &co);\n\
        other(shared);\n\
        aio_bh_schedule_oneshot(ctx, shared, NULL);\n\
        qemu_thread_create(&t, name_fn, worker2, (S){ a, skipped }, 0);\n\
        g_clear_pointer(&p, unref);\n}\n";
    let file = extract(source.as_bytes(), &recognizer);
    let marked = |deferred: bool| -> Vec<&str> {
        let mut names: Vec<&str> = file
            .uses
            .iter()
            .filter(|u| u.kind() == UseKind::Reference && u.deferred() == deferred)
            .map(|u| file.name(u.name))
            .collect();
        names.sort_unstable();
        names
    };
    // (A type named in a cast among the arguments is marked too; it is no function.)
    assert_eq!(
        marked(true),
        [
            "QEMUBHFunc",
            "at_exit_fn",
            "bh_cb",
            "cast_cb",
            "complete",
            "worker",
            "worker2"
        ]
    );
    // `helper` is an argument of `wrap`, `shared` is also passed to `other`, `name_fn` is
    // not at the deferred position, and `g_clear_pointer` calls `unref` at once.
    for name in ["helper", "shared", "name_fn", "unref", "skipped"] {
        assert!(marked(false).contains(&name), "{name}");
    }
}

/// The parameter conditions and constant arguments extraction records.
mod arguments {
    use super::*;
    use crate::model::ParamTest;

    /// Each definition's conditional uses (`name:TEST@POSITION`), constant arguments
    /// (`name(POSITION=VALUE)`) and conditional markers, in that order.
    fn facts(source: &str) -> Vec<String> {
        let (contexts, _) = qemu_block();
        let file = extract(source.as_bytes(), &Recognizer::new(&contexts));
        let test = |condition: ParamCondition| {
            let value = |c: Constant| match c {
                Constant::Int(v) => v.to_string(),
                Constant::Name(_) => "NAME".to_string(),
            };
            let test = match condition.test {
                ParamTest::NonZero => "nonzero".to_string(),
                ParamTest::Zero => "zero".to_string(),
                ParamTest::Equal(c) => format!("=={}", value(c)),
                ParamTest::NotEqual(c) => format!("!={}", value(c)),
            };
            format!("{test}@{}", condition.position)
        };
        let mut out = Vec::new();
        for (index, function) in file.functions.iter().enumerate() {
            let range = function.uses_start..function.uses_end;
            let name = |use_index: u32| file.name(file.uses.get(use_index).name).to_string();
            for &(use_index, condition) in &file.use_conditions {
                if range.contains(&use_index) {
                    out.push(format!(
                        "{}: {}:{}",
                        file.name(function.name),
                        name(use_index),
                        test(condition)
                    ));
                }
            }
            for &(use_index, position, value) in &file.call_constants {
                if range.contains(&use_index) {
                    let value = match value {
                        Constant::Int(v) => v.to_string(),
                        Constant::Name(_) => "NAME".to_string(),
                    };
                    out.push(format!(
                        "{}: {}({position}={value})",
                        file.name(function.name),
                        name(use_index)
                    ));
                }
            }
            for &(at, context, condition) in &file.marker_conditions {
                if at as usize == index {
                    out.push(format!(
                        "{}: marker {}:{}",
                        file.name(function.name),
                        contexts.name(context),
                        test(condition)
                    ));
                }
            }
        }
        out
    }

    #[test]
    fn early_exit_on_a_parameter_conditions_the_rest_of_the_block() {
        let got = facts(
            "int get(void *bs, long offset, int allocate, int *out)\n{\n    if (!l2) {\n        if (!allocate)\n            return 0;\n        write(bs);\n    }\n    read(bs);\n}\n",
        );
        assert_eq!(got, ["get: write:nonzero@2"]);
    }

    #[test]
    fn conjuncts_in_parentheses_and_masks() {
        let got = facts(
            "int prw(int type, int flags)\n{\n    if (ret == 0 && (flags & FUA)) {\n        flush();\n    }\n    if (type == 3 && x) { a(); } else { b(); }\n    if (type != 3) c(); else d();\n}\n",
        );
        assert_eq!(
            got,
            [
                "prw: flush:nonzero@1",
                "prw: a:==3@0",
                "prw: c:!=3@0",
                "prw: d:==3@0"
            ]
        );
    }

    #[test]
    fn switch_cases_that_nothing_falls_into() {
        let got = facts(
            "int w(void *bs, int method)\n{\n    switch (method) {\n    case COPY:\n        pw();\n        break;\n    case ZERO:\n        pz();\n    case DISCARD:\n        pd();\n        break;\n    default:\n        abort();\n    }\n}\n",
        );
        assert_eq!(got, ["w: pw:==NAME@1", "w: pz:==NAME@1"]);
    }

    #[test]
    fn markers_and_their_conditions() {
        let got = facts(
            "void close_it(void *bs, bool close_data_file)\n{\n    free(bs);\n    if (close_data_file && has_data_file(bs)) {\n        GLOBAL_STATE_CODE();\n        wrlock();\n    }\n}\n",
        );
        assert_eq!(
            got,
            [
                "close_it: GLOBAL_STATE_CODE:nonzero@1",
                "close_it: wrlock:nonzero@1",
                "close_it: marker GLOBAL_STATE_CODE:nonzero@1"
            ]
        );
    }

    #[test]
    fn conditional_expressions_on_a_parameter() {
        // blkverify's `.request_fn = is_write ? bdrv_co_pwritev : bdrv_co_preadv`, a call's
        // argument, a `return`, one nested in another's `else` (the outermost test counts), and
        // ones that test no bare parameter.
        let got = facts(
            "int prwv(void *bs, int is_write, int n)\n{\n    *r = (Req) {\n        .bs = bs,\n        \
             .request_fn = is_write ? pwritev : preadv,\n        .after = done,\n    };\n    \
             submit(n, is_write ? flush : NULL, tail);\n    \
             return n ? (probe(x) ? hit : miss) : is_write ? big : small;\n}\n\
             int other(int p)\n{\n    x = p + 1 ? a : b;\n    y = (q ? c : d);\n    \
             z = !p ? e : f;\n}\n",
        );
        assert_eq!(
            got,
            [
                "prwv: pwritev:nonzero@1",
                "prwv: preadv:zero@1",
                "prwv: flush:nonzero@1",
                "prwv: NULL:zero@1",
                "prwv: probe:nonzero@2",
                "prwv: x:nonzero@2",
                "prwv: hit:nonzero@2",
                "prwv: miss:nonzero@2",
                "prwv: big:zero@2",
                "prwv: small:zero@2",
            ]
        );
    }

    #[test]
    fn assigned_parameters_and_mixed_uses_lose_their_conditions() {
        let got = facts(
            "void a(int p)\n{\n    if (p) { f(); }\n    p = 1;\n}\n\
             void b(int p)\n{\n    if (p) { g(); }\n    g();\n    q(&p);\n}\n\
             void c(int p)\n{\n    while (x) { if (p) { h(); } p++; }\n}\n\
             void d(int p)\n{\n    if (local) { i(); }\n    if (!p) goto skip;\n    j();\nout:\n    k();\nskip:\n    ;\n}\n",
        );
        // Only the use between the early exit and the next label keeps its condition.
        assert_eq!(got, ["d: j:nonzero@0"]);
    }

    #[test]
    fn constant_arguments_every_call_agrees_on() {
        let got = facts(
            "void caller(int x)\n{\n    f(bs, 0, false, NULL, -1, 0x10, KIND_A, x, 1.5);\n    g(1, 2);\n    g(1, 3);\n    h(0);\n    h(x);\n    i(0);\n    cb = i;\n    j((T){1, 2}, 7);\n}\n",
        );
        assert_eq!(
            got,
            [
                "caller: f(1=0)",
                "caller: f(2=0)",
                "caller: f(3=0)",
                "caller: f(4=-1)",
                "caller: f(5=16)",
                "caller: f(6=NAME)",
                "caller: g(0=1)",
                "caller: j(1=7)"
            ]
        );
    }
}

#[test]
fn the_piece_every_marker_holds_is_searched_first() {
    let markers: [&[u8]; 3] = [b"GLOBAL_STATE_CODE", b"IO_CODE", b"IO_OR_GS_CODE"];
    assert_eq!(common_piece(&markers), Some(&b"_CODE"[..]));
    assert_eq!(common_piece(&[b"abc", b"xyz"]), None);
    assert_eq!(common_piece(&[]), None);
    let (contexts, _) = qemu_block();
    let mut recognizer = Recognizer::new(&contexts);
    recognizer.skim_bodies = true;
    // `_CODE` alone, or a marker's name inside another word, is no marker of its own: only a
    // file that holds one of the markers (or `callcheck`) is read in full.
    assert!(recognizer.skims(b"int f(void) { return ERR_CODE; }"));
    assert!(!recognizer.skims(b"int f(void) { IO_CODE(); }"));
    assert!(!recognizer.skims(b"int f(void) { GLOBAL_STATE_CODE(); }"));
    assert!(!recognizer.skims(b"// callcheck: allow(IO_CODE)\nint f(void);"));
    assert!(recognizer.skims(b"int f(void) { return 0; }"));
}
